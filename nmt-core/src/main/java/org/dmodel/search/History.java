package org.dmodel.search;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokens chosen so far, kept as back-pointers: one entry per step with, for every row fed to the next
 * step, its token, the row it continues (an index into the previous entry) and its cumulative score. Appending
 * a step costs O(rows) however the beams are reordered or pruned; a hypothesis is read back, in O(length),
 * only when it finishes. Not thread-safe.
 */
final class History {
    private final List<int[]> tokens = new ArrayList<>();
    private final List<int[]> parents = new ArrayList<>();
    private final List<double[]> cumulative = new ArrayList<>();

    /**
     * Records the rows that step {@code length()} produced: row r holds {@code tokens[r]}, continues row
     * {@code parents[r]} of the previous entry (ignored for the first entry) and has cumulative log-probability
     * {@code scores[r]}. The arrays are kept, not copied.
     */
    void append(int[] stepTokens, int[] stepParents, double[] stepScores) {
        tokens.add(stepTokens);
        parents.add(stepParents);
        cumulative.add(stepScores);
    }

    /** Steps recorded so far. */
    int length() {
        return tokens.size();
    }

    /** The tokens of row {@code row} of the last entry, oldest first ({@link #length()} of them). */
    int[] prefix(int row) {
        int n = tokens.size();
        int[] out = new int[n];
        int r = row;
        for (int t = n - 1; t >= 0; t--) {
            out[t] = tokens.get(t)[r];
            r = parents.get(t)[r];
        }
        return out;
    }

    /**
     * Reads back the hypothesis that ends with EOS after row {@code row} of the last entry (any row when
     * nothing is recorded yet: the empty output).
     *
     * @param eosScore cumulative log-probability including the EOS
     */
    Hypothesis finish(int row, double eosScore, LengthPenalty penalty) {
        int n = tokens.size();
        int[] out = new int[n];
        double[] positional = new double[n + 1];
        double next = eosScore;
        int r = row;
        for (int t = n - 1; t >= 0; t--) {
            double here = cumulative.get(t)[r];
            out[t] = tokens.get(t)[r];
            positional[t + 1] = next - here;
            next = here;
            r = parents.get(t)[r];
        }
        positional[0] = next;
        return new Hypothesis(out, penalty.normalize(eosScore, n + 1), positional, eosScore);
    }
}
