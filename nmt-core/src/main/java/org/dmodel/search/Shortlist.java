package org.dmodel.search;

import java.util.Arrays;
import org.dmodel.lexicon.Lexicon;
import org.dmodel.text.SpecialIds;

/**
 * Marian's lexical shortlist: a sentence may produce only the {@code first} most frequent target pieces, the
 * {@code best} most probable translations of each of its source pieces ({@link Lexicon}) and the special ids. Decoding
 * then computes the output projection and the softmax over the batch's union of those pieces instead of the whole
 * vocabulary ({@link VocabularySubset}), the largest matrix product of a step. Each sentence keeps its own set, so
 * results do not depend on the batch. Immutable and thread-safe.
 */
public final class Shortlist {
    private final int targetSize;
    private final int[] always;      // specials and the most frequent pieces, increasing
    private final int[][] bySource;  // per source id, its best translations
    private final int first;
    private final int best;
    private final boolean copySource;

    /**
     * @param first how many of the most frequent target pieces every sentence may produce
     * @param best how many translations of each source piece a sentence may produce
     * @param target the target side's special ids (always allowed)
     * @param targetSize the target vocabulary size
     * @param copySource with a joint vocabulary: a sentence may also produce its own source pieces (names, numbers
     *     and other pieces that translate as themselves, including ones too rare for the lexicon)
     * @throws IllegalArgumentException if {@code first} or {@code best} is negative
     */
    public Shortlist(Lexicon lexicon, int first, int best, SpecialIds target, int targetSize, boolean copySource) {
        if (first < 0 || best < 0) {
            throw new IllegalArgumentException("shortlist sizes must be >= 0, got first " + first + ", best " + best);
        }
        this.targetSize = targetSize;
        this.first = first;
        this.best = best;
        this.copySource = copySource;
        int[] frequent = lexicon.frequent(first);
        int[] specials = {target.pad(), target.unk(), target.bos(), target.eos()};
        int[] a = Arrays.copyOf(frequent, frequent.length + specials.length);
        System.arraycopy(specials, 0, a, frequent.length, specials.length);
        this.always = sortedUnique(a, a.length);
        this.bySource = new int[lexicon.sourceSize()][];
        for (int s = 0; s < bySource.length; s++) {
            bySource[s] = lexicon.translations(s, best);
        }
        for (int t : always) {
            checkTarget(t);
        }
        for (int[] candidates : bySource) {
            for (int t : candidates) {
                checkTarget(t);
            }
        }
    }

    private void checkTarget(int t) {
        if (t < 0 || t >= targetSize) {
            throw new IllegalArgumentException("lexicon target id " + t + " is outside the model's vocabulary of "
                    + targetSize + "; it was built for another model");
        }
    }

    /** Pieces every sentence may produce. */
    public int first() {
        return first;
    }

    /** Translations per source piece. */
    public int best() {
        return best;
    }

    /** The target ids a sentence with source ids {@code source} may produce, increasing. */
    public int[] tokens(int[] source) {
        int n = always.length + (copySource ? source.length : 0);
        for (int s : source) {
            n += candidates(s).length;
        }
        int[] all = Arrays.copyOf(always, n);
        int at = always.length;
        for (int s : source) {
            int[] c = candidates(s);
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
            if (copySource && s < targetSize) {
                all[at++] = s;
            }
        }
        return sortedUnique(all, at);
    }

    /** The columns a batch of sources decodes over. */
    public VocabularySubset subset(int[][] sources) {
        int[][] tokens = new int[sources.length][];
        for (int i = 0; i < sources.length; i++) {
            tokens[i] = tokens(sources[i]);
        }
        return VocabularySubset.of(targetSize, tokens);
    }

    private int[] candidates(int source) {
        if (source < 0 || source >= bySource.length) {
            throw new IllegalArgumentException("source id " + source + " is outside the lexicon's vocabulary of "
                    + bySource.length + "; it was built for another model");
        }
        return bySource[source];
    }

    private static int[] sortedUnique(int[] values, int n) {
        int[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        int m = 0;
        for (int i = 0; i < v.length; i++) {
            if (m == 0 || v[i] != v[m - 1]) {
                v[m++] = v[i];
            }
        }
        return Arrays.copyOf(v, m);
    }
}
