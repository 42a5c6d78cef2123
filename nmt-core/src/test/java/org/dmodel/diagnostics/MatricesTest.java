package org.dmodel.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Jacobi eigen-solver and the Gram-based SVD against matrices whose spectrum is known by construction
 * (X = U diag(σ) Vᵀ with random orthogonal U, V), and the row-space basis against its defining properties.
 */
class MatricesTest {
    /** Double-precision agreement for eigenvalues, relative to the largest one. */
    private static final double EIGEN = 1e-12;
    /** Singular values through a Gram matrix: absolute error up to about √ε(double)·σ₁ (reached by zero ones). */
    private static final double SINGULAR = 4 * Math.sqrt(Math.ulp(1.0));

    @Test
    void eigenvaluesOfAKnownSymmetricMatrix() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, -4}});
        assertArrayClose(new double[] {3, 1, -4}, e.values(), EIGEN * 4);
        double[] v = e.vectors()[0];
        assertEquals(1, Math.abs(v[0] + v[1]) / Math.sqrt(2), EIGEN, "top eigenvector ∝ (1, 1, 0)");
    }

    @Test
    void eigenpairsOfARandomSymmetricMatrixSatisfyAvEqualsLambdaV() {
        Random r = new Random(1);
        int n = 17;
        double[][] q = orthogonal(r, n);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = 10 - i * 1.3; // distinct, both signs
        }
        double[][] a = product(q, lambda, q);
        SymmetricEigen e = SymmetricEigen.of(a);
        assertArrayClose(lambda, e.values(), EIGEN * 10);
        for (int k = 0; k < n; k++) {
            double[] v = e.vectors()[k];
            for (int i = 0; i < n; i++) {
                assertEquals(e.values()[k] * v[i], Matrices.dot(a[i], v), EIGEN * 10, "A v = λ v, pair " + k);
            }
        }
    }

    @Test
    void singularValuesOfConstructedMatricesWideAndTall() {
        Random r = new Random(2);
        double[] sigma = {50, 20, 7, 3, 1, 0.25, 1e-3, 0, 0};
        for (int[] shape : new int[][] {{9, 30}, {40, 9}, {9, 9}}) {
            double[][] x = withSingularValues(r, shape[0], shape[1], sigma);
            double[] got = Matrices.singularValues(x);
            assertEquals(9, got.length);
            assertArrayClose(sigma, got, SINGULAR * sigma[0]);
            assertEquals(7, RankStatistics.rank(got, RankStatistics.tolerance(shape[0], shape[1])),
                    "zeros stay below the float32 rank threshold");
        }
    }

    @Test
    void rowSpaceIsAnOrthonormalBasisOfTheRowsAboveTheThreshold() {
        Random r = new Random(3);
        double[][] x = withSingularValues(r, 6, 20, new double[] {5, 4, 1, 0, 0, 0});
        double[][] basis = Matrices.rowSpace(x, 1e-6);
        assertEquals(3, basis.length);
        for (int i = 0; i < basis.length; i++) {
            for (int j = 0; j < basis.length; j++) {
                assertEquals(i == j ? 1 : 0, Matrices.dot(basis[i], basis[j]), 1e-12, "orthonormal");
            }
        }
        assertEquals(0, RankStatistics.spanEscape(x, basis), 1e-12, "the rows lie in their own row space");
    }

    @Test
    void asymmetricInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.of(new double[][] {{1, 2}, {0, 1}}));
    }

    /** U diag(σ) Vᵀ (n × d) with random orthogonal U (n × n), V (d × d); σ has min(n, d) entries. */
    static double[][] withSingularValues(Random r, int n, int d, double[] sigma) {
        double[][] u = orthogonal(r, n);
        double[][] v = orthogonal(r, d);
        double[][] x = new double[n][d];
        for (int k = 0; k < Math.min(n, d); k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    x[i][j] += u[i][k] * sigma[k] * v[j][k];
                }
            }
        }
        return x;
    }

    /** A random orthogonal matrix: Gram-Schmidt (twice) on Gaussian columns. */
    static double[][] orthogonal(Random r, int n) {
        double[][] cols = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                cols[k][i] = r.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < k; j++) {
                    double dot = Matrices.dot(cols[k], cols[j]);
                    for (int i = 0; i < n; i++) {
                        cols[k][i] -= dot * cols[j][i];
                    }
                }
            }
            double norm = Math.sqrt(Matrices.dot(cols[k], cols[k]));
            for (int i = 0; i < n; i++) {
                cols[k][i] /= norm;
            }
        }
        double[][] q = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                q[i][k] = cols[k][i];
            }
        }
        return q;
    }

    /** Q diag(λ) Qᵀ. */
    private static double[][] product(double[][] q, double[] lambda, double[][] qt) {
        int n = q.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    a[i][j] += q[i][k] * lambda[k] * qt[j][k];
                }
            }
        }
        for (int i = 0; i < n; i++) { // exact symmetry
            for (int j = 0; j < i; j++) {
                a[i][j] = a[j][i];
            }
        }
        return a;
    }

    private static void assertArrayClose(double[] expected, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "entry " + i + " of " + Arrays.toString(actual));
        }
    }
}
