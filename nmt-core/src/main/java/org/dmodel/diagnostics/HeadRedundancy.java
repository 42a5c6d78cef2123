package org.dmodel.diagnostics;

/**
 * Width (head) redundancy measures of one attention module over one token set (papers.md §4): how similar the
 * heads' outputs and attention maps are, and how many independent directions the heads' contributions to the
 * residual stream span. Each head is flattened into one vector (its n × d_h outputs, n × t map, or n × d
 * contribution o_h W_O^(h)ᵀ). Stateless.
 */
public final class HeadRedundancy {
    private HeadRedundancy() {}

    /**
     * Mean cosine similarity over the H(H−1)/2 pairs of per-head vectors; NaN with fewer than two heads or when
     * a head vector is zero.
     */
    public static double meanPairwiseCosine(double[][] heads) {
        int h = heads.length;
        if (h < 2) {
            return Double.NaN;
        }
        double[] norms = new double[h];
        for (int i = 0; i < h; i++) {
            norms[i] = Math.sqrt(Matrices.dot(heads[i], heads[i]));
        }
        double sum = 0;
        for (int i = 0; i < h; i++) {
            for (int j = i + 1; j < h; j++) {
                sum += Matrices.dot(heads[i], heads[j]) / (norms[i] * norms[j]);
            }
        }
        return sum / (h * (h - 1) / 2.0);
    }

    /**
     * Effective rank (see {@link RankStatistics#effectiveRank}) of the H stacked per-head vectors (H × m, not
     * centered): H when the heads' contributions are orthogonal and equally strong, 1 when they all point the
     * same way; 0 when all are zero.
     */
    public static double effectiveRank(double[][] heads) {
        return RankStatistics.effectiveRank(Matrices.singularValues(heads));
    }
}
