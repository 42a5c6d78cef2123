package org.dmodel.diagnostics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Eigen-decomposition of a real symmetric matrix in double precision by the cyclic Jacobi method: plane rotations
 * annihilate each off-diagonal element in turn until the off-diagonal mass is below double rounding of the
 * matrix's norm. Accurate to a few ulps of the largest eigenvalue; O(n³) per sweep and typically under ten
 * sweeps, meant for the small Gram matrices of the diagnostics (n ≤ a few hundred). Immutable.
 *
 * @param values eigenvalues, descending
 * @param vectors {@code vectors[i]} is the unit eigenvector of {@code values[i]}
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_SWEEPS = 100;

    /**
     * Decomposes {@code a} (n × n, symmetric; only read, never modified).
     *
     * @throws IllegalArgumentException when {@code a} is not square or not symmetric
     */
    public static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            if (a[i].length != n) {
                throw new IllegalArgumentException("row " + i + " has " + a[i].length + " columns, expected " + n);
            }
            m[i] = a[i].clone();
        }
        double norm2 = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                norm2 += m[i][j] * m[i][j];
                if (Math.abs(m[i][j] - m[j][i]) > 1e-12 * (Math.abs(m[i][j]) + Math.abs(m[j][i]) + Double.MIN_NORMAL)) {
                    throw new IllegalArgumentException("matrix is not symmetric at (" + i + ", " + j + ")");
                }
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        double stop = norm2 * 1e-32;
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(m) > stop; sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (m[p][q] != 0) {
                        rotate(m, v, p, q);
                    }
                }
            }
        }
        double[] diagonal = new double[n];
        for (int i = 0; i < n; i++) {
            diagonal[i] = m[i][i];
        }
        Integer[] order = IntStream.range(0, n).boxed().sorted(Comparator.comparingDouble(i -> -diagonal[i]))
                .toArray(Integer[]::new);
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = diagonal[order[k]];
            for (int i = 0; i < n; i++) {
                vectors[k][i] = v[i][order[k]]; // column order[k] of V
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    private static double offDiagonal(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    s += m[i][j] * m[i][j];
                }
            }
        }
        return s;
    }

    /** M ← Jᵀ M J, V ← V J with the rotation in the (p, q) plane that zeroes m[p][q] (Rutishauser's stable form). */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = m.length;
        for (int k = 0; k < n; k++) {
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) {
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
        }
        m[p][q] = 0;
        m[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    @Override
    public String toString() {
        return "SymmetricEigen" + Arrays.toString(values);
    }
}
