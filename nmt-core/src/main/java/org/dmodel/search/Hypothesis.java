package org.dmodel.search;

import java.util.Arrays;

/**
 * One finished output of a search: the tokens and how the search scored them. A value: immutable and
 * thread-safe (arrays are copied in and out).
 *
 * @param tokens the output token ids, without BOS and without the final EOS
 * @param score the length-normalized score used for ranking: {@code rawScore / (tokens.length + 1)^lenpen}
 * @param positionalScores the log-probability of each output position, {@code tokens.length + 1} entries, the
 *     last one for the EOS; these are the adjusted log-probabilities the search ranked by (pad and BOS
 *     forbidden, unk penalty subtracted), not the tempered ones of sampling
 * @param rawScore the sum of {@code positionalScores}
 */
public record Hypothesis(int[] tokens, double score, double[] positionalScores, double rawScore) {
    /** Copies the arrays and checks that there is one positional score per token plus one for the EOS. */
    public Hypothesis {
        tokens = tokens.clone();
        positionalScores = positionalScores.clone();
        if (positionalScores.length != tokens.length + 1) {
            throw new IllegalArgumentException("a hypothesis with " + tokens.length
                    + " tokens needs " + (tokens.length + 1) + " positional scores (one for the EOS), got "
                    + positionalScores.length);
        }
    }

    /** The output token ids, without BOS and EOS (a copy). */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** The log-probability of each position, the EOS last (a copy). */
    @Override
    public double[] positionalScores() {
        return positionalScores.clone();
    }

    /** Output length as the length penalty counts it: the tokens plus the EOS. */
    public int lengthWithEos() {
        return tokens.length + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hypothesis h && Arrays.equals(tokens, h.tokens)
                && Double.compare(score, h.score) == 0 && Arrays.equals(positionalScores, h.positionalScores)
                && Double.compare(rawScore, h.rawScore) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(tokens) + Double.hashCode(score)) + Arrays.hashCode(positionalScores);
    }

    @Override
    public String toString() {
        return "Hypothesis" + Arrays.toString(tokens) + " score=" + score + " raw=" + rawScore;
    }
}
