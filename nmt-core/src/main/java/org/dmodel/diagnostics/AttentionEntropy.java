package org.dmodel.diagnostics;

/**
 * Normalized attention entropy (papers.md §4): for one query, H = −Σ_k a_k log a_k over its visible keys divided
 * by log(#visible keys), the entropy of uniform attention over what the mask (padding, causal, prefix) lets the
 * query see. 1 = uniform, 0 = all weight on one key ("entropy collapse"). A query that sees one key has no
 * choice and no normalized entropy (NaN). Stateless.
 */
public final class AttentionEntropy {
    private AttentionEntropy() {}

    /**
     * The normalized entropy of one attention row.
     *
     * @param probabilities the row's weights over all keys (hidden keys carry 0; rows sum to 1 over visible keys)
     * @param visible which keys the mask lets the query see
     * @return H / log(#visible), in [0, 1] up to rounding; NaN when fewer than two keys are visible
     */
    public static double normalized(double[] probabilities, boolean[] visible) {
        int count = 0;
        double h = 0;
        for (int k = 0; k < probabilities.length; k++) {
            if (visible[k]) {
                count++;
                double p = probabilities[k];
                if (p > 0) {
                    h -= p * Math.log(p);
                }
            }
        }
        return count < 2 ? Double.NaN : h / Math.log(count);
    }
}
