package org.dmodel.search;

/**
 * How a finished hypothesis is scored for ranking: fairseq's {@code score = Σ log p / len^α}, where len counts
 * the EOS (fairseq normalizes by {@code step + 1} when the EOS is chosen at 0-based step {@code step}).
 * α = 0 ranks by the raw sum, α = 1 by the mean log-probability per token. Immutable.
 */
record LengthPenalty(double alpha) {
    /** The ranking score of a hypothesis with log-probability sum {@code rawScore} and {@code lengthWithEos} positions. */
    double normalize(double rawScore, int lengthWithEos) {
        return alpha == 0 ? rawScore : rawScore / Math.pow(lengthWithEos, alpha);
    }
}
