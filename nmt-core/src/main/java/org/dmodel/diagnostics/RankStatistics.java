package org.dmodel.diagnostics;

/**
 * Rank measures of a token set X (n tokens × d features), papers.md §4, all on the centered matrix X − 1μᵀ (so a
 * translation of every token changes nothing and n identical tokens have rank 0): the affine rank
 * #{σ_i > τ·σ₁} with τ = max(n, d)·ε(float32); the effective rank exp(H(σ/Σσ)) (Roy and Vetterli 2007); the
 * stable rank Σσ²/σ₁². A zero matrix has all three equal to 0. Also the depth-collapse residual and the span
 * escape, which are defined on X itself. Immutable; the static methods are stateless.
 *
 * @param affineRank number of singular values above the threshold
 * @param effectiveRank exp of the entropy of the normalized singular values, in [1, min(n, d)] or 0
 * @param stableRank Σσ²/σ₁², in [1, min(n, d)] or 0
 */
public record RankStatistics(int affineRank, double effectiveRank, double stableRank) {
    /** The statistics of the token set x (n × d). */
    public static RankStatistics of(double[][] x) {
        if (x.length == 0) {
            return new RankStatistics(0, 0, 0);
        }
        double[] sigma = Matrices.singularValues(Matrices.centered(x));
        return new RankStatistics(rank(sigma, tolerance(x.length, x[0].length)), effectiveRank(sigma), stableRank(sigma));
    }

    /** The relative rank threshold τ = max(n, d)·ε(float32) for an n × d float32 matrix. */
    public static double tolerance(int n, int d) {
        return Math.max(n, d) * Matrices.FLOAT32_EPSILON;
    }

    /** #{σ_i > τ·σ₁} for singular values in descending order. */
    public static int rank(double[] sigma, double tau) {
        int r = 0;
        while (r < sigma.length && sigma[0] > 0 && sigma[r] > tau * sigma[0]) {
            r++;
        }
        return r;
    }

    /** exp(−Σ p_i log p_i) with p = σ/Σσ; 0 when every σ is 0. */
    public static double effectiveRank(double[] sigma) {
        double sum = 0;
        for (double s : sigma) {
            sum += s;
        }
        if (!(sum > 0)) {
            return 0;
        }
        double h = 0;
        for (double s : sigma) {
            if (s > 0) {
                double p = s / sum;
                h -= p * Math.log(p);
            }
        }
        return Math.exp(h);
    }

    /** Σσ²/σ₁²; 0 when every σ is 0. */
    public static double stableRank(double[] sigma) {
        if (sigma.length == 0 || !(sigma[0] > 0)) {
            return 0;
        }
        double s2 = 0;
        for (double s : sigma) {
            s2 += s * s;
        }
        return s2 / (sigma[0] * sigma[0]);
    }

    /**
     * Depth rank-collapse residual (Dong et al. 2021) r = ‖X − 1x̄ᵀ‖_F / ‖X‖_F: 0 when every token is the same
     * vector; NaN for a zero X.
     */
    public static double depthResidual(double[][] x) {
        return Math.sqrt(Matrices.frobenius2(Matrices.centered(x)) / Matrices.frobenius2(x));
    }

    /**
     * Span escape ‖X(I − P)‖²_F / ‖X‖²_F, P the orthogonal projector onto the space spanned by the orthonormal rows
     * of {@code basis} (e.g. {@link Matrices#rowSpace} of the input embeddings X₀): the share of X's energy
     * outside that span; NaN for a zero X.
     */
    public static double spanEscape(double[][] x, double[][] basis) {
        double outside = 0;
        for (double[] row : x) {
            double[] r = row.clone();
            for (double[] b : basis) {
                double c = Matrices.dot(r, b);
                for (int j = 0; j < r.length; j++) {
                    r[j] -= c * b[j];
                }
            }
            outside += Matrices.dot(r, r);
        }
        return outside / Matrices.frobenius2(x);
    }
}
