package org.dmodel.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rank statistics on token sets of known structure, and what LayerNorm does to them (papers.md §4).
 *
 * <p>LN(x) = γ ⊙ P x / s(x) + β with P = I − 11ᵀ/d and a per-token scale s(x). γ ⊙ and + β are affine bijections,
 * and scaling each row by its own positive factor keeps the <em>linear</em> rank, so LN preserves rank(X P) exactly.
 * The affine rank (rank of the token-centered matrix) is preserved when the tokens' affine hull passes through the
 * origin (in particular for tokens in general position, n ≤ d), but a rank-deficient set whose affine hull misses
 * the origin gains one: the per-token scaling bends its flat onto a sphere. The tests state both facts; the
 * identity "affine rank(LN(X)) = affine rank(X)" of papers.md §4 [I] holds only in the first two cases.
 */
class RankStatisticsTest {
    private static final int N = 20;
    private static final int D = 32;

    @Test
    void knownTokenSets() {
        double[][] same = new double[5][3];
        for (double[] row : same) {
            row[0] = 1;
            row[2] = -2;
        }
        assertEquals(new RankStatistics(0, 0, 0), RankStatistics.of(same), "identical tokens");
        assertEquals(0, RankStatistics.depthResidual(same), 1e-15);
        double[][] line = {{0, 0}, {1, 1}, {2, 2}, {3, 3}};
        assertEquals(1, RankStatistics.of(line).affineRank());
        assertEquals(1, RankStatistics.of(line).effectiveRank(), 1e-12);
        assertEquals(1, RankStatistics.of(line).stableRank(), 1e-12);
        double[][] square = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        assertEquals(2, RankStatistics.of(square).affineRank());
        assertEquals(2, RankStatistics.of(square).effectiveRank(), 1e-12, "equal singular values");
        assertEquals(2, RankStatistics.of(square).stableRank(), 1e-12);
    }

    @Test
    void spanEscapeIsTheShareOfEnergyOutsideTheBasis() {
        double[][] basis = {{1, 0, 0}};
        assertEquals(0.5, RankStatistics.spanEscape(new double[][] {{1, 1, 0}}, basis), 1e-15);
        assertEquals(1, RankStatistics.spanEscape(new double[][] {{0, 0, 2}}, basis), 1e-15);
    }

    @Test
    void layerNormPreservesTheAffineRankOfTokensInGeneralPosition() {
        Random r = new Random(4);
        double[][] x = gaussian(r, N, D);
        assertEquals(N - 1, RankStatistics.of(x).affineRank());
        assertEquals(N - 1, RankStatistics.of(layerNorm(x, r)).affineRank());
    }

    @Test
    void layerNormPreservesTheAffineRankOfADeficientSetThroughTheOrigin() {
        Random r = new Random(5);
        double[][] x = MatricesTest.withSingularValues(r, N, D, spectrum(3)); // rank 3, rows span a subspace
        assertEquals(3, RankStatistics.of(x).affineRank());
        assertEquals(3, RankStatistics.of(layerNorm(x, r)).affineRank());
    }

    @Test
    void layerNormPreservesTheLinearRankAndRaisesTheAffineRankOfAnOffsetFlatByOne() {
        Random r = new Random(6);
        double[][] x = MatricesTest.withSingularValues(r, N, D, spectrum(3));
        double[] mu = gaussian(r, 1, D)[0];
        for (double[] row : x) {
            for (int j = 0; j < D; j++) {
                row[j] += 3 * mu[j]; // a 3-dimensional affine flat that misses the origin
            }
        }
        double[][] y = layerNorm(x, r);
        assertEquals(3, RankStatistics.of(x).affineRank());
        assertEquals(4, linearRank(featureCentered(x)), "rank(X P)");
        assertEquals(4, RankStatistics.of(y).affineRank(), "LN bends the flat: one more affine dimension");
        assertEquals(4, linearRank(y, BETA_SEED), "rank(LN(X) − 1βᵀ) = rank(X P)");
    }

    private static final long BETA_SEED = 99;

    /** LN over the last axis with DJL's float32 kernel (the model's), random γ and β (β from {@link #BETA_SEED}). */
    private static double[][] layerNorm(double[][] x, Random r) {
        int n = x.length;
        int d = x[0].length;
        float[] flat = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                flat[i * d + j] = (float) x[i][j];
            }
        }
        float[] gamma = new float[d];
        for (int j = 0; j < d; j++) {
            gamma[j] = (float) (0.5 + r.nextDouble());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = LayerNorm.layerNorm(m.create(flat, new Shape(n, d)), new Shape(d), m.create(gamma),
                    m.create(beta(d)), 1e-5f).singletonOrThrow();
            float[] y = out.toFloatArray();
            double[][] result = new double[n][d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    result[i][j] = y[i * d + j];
                }
            }
            return result;
        }
    }

    private static float[] beta(int d) {
        Random r = new Random(BETA_SEED);
        float[] b = new float[d];
        for (int j = 0; j < d; j++) {
            b[j] = (float) r.nextGaussian();
        }
        return b;
    }

    /** Linear rank of Y − 1βᵀ at the float32 threshold. */
    private static int linearRank(double[][] y, long betaSeed) {
        float[] b = beta(y[0].length);
        double[][] z = new double[y.length][];
        for (int i = 0; i < y.length; i++) {
            z[i] = y[i].clone();
            for (int j = 0; j < b.length; j++) {
                z[i][j] -= b[j];
            }
        }
        return linearRank(z);
    }

    private static int linearRank(double[][] x) {
        return RankStatistics.rank(Matrices.singularValues(x), RankStatistics.tolerance(x.length, x[0].length));
    }

    /** X P: each row minus its own mean. */
    private static double[][] featureCentered(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / x[i].length;
            }
            c[i] = x[i].clone();
            for (int j = 0; j < c[i].length; j++) {
                c[i][j] -= mean;
            }
        }
        return c;
    }

    private static double[] spectrum(int rank) {
        double[] s = new double[N];
        for (int i = 0; i < rank; i++) {
            s[i] = 10.0 / (i + 1);
        }
        return s;
    }

    private static double[][] gaussian(Random r, int n, int d) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return x;
    }
}
