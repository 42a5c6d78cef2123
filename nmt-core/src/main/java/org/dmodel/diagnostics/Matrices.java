package org.dmodel.diagnostics;

/**
 * Dense double-precision helpers for the diagnostics: singular values and row spaces through the eigen-decomposition
 * of the smaller Gram matrix, centering, Frobenius norms. Matrices are {@code double[rows][columns]}, never modified.
 * Stateless.
 *
 * <p>Singular values from a Gram matrix carry an absolute error of about √ε(double)·σ₁ ≈ 1.5e-8·σ₁, far below the
 * rank threshold max(n, d)·ε(float32)·σ₁ ≥ 1.2e-7·σ₁ the diagnostics use, so ranks are exact.
 */
public final class Matrices {
    /** Machine epsilon of float32, the precision the model's states were computed in. */
    public static final double FLOAT32_EPSILON = Math.ulp(1.0f);

    private Matrices() {}

    /** Singular values of x (n × d), descending; min(n, d) of them (none for an empty matrix). */
    public static double[] singularValues(double[][] x) {
        if (x.length == 0 || x[0].length == 0) {
            return new double[0];
        }
        double[] lambda = SymmetricEigen.of(smallerGram(x)).values();
        double[] sigma = new double[lambda.length];
        for (int i = 0; i < lambda.length; i++) {
            sigma[i] = Math.sqrt(Math.max(0, lambda[i]));
        }
        return sigma;
    }

    /**
     * An orthonormal basis (rows, each of length d) of the row space of x (n × d): the right singular vectors whose
     * singular values exceed {@code relativeTolerance}·σ₁, re-orthonormalized by modified Gram-Schmidt.
     */
    public static double[][] rowSpace(double[][] x, double relativeTolerance) {
        int n = x.length;
        if (n == 0) {
            return new double[0][];
        }
        int d = x[0].length;
        SymmetricEigen e = SymmetricEigen.of(smallerGram(x));
        double top = Math.sqrt(Math.max(0, e.values()[0]));
        java.util.List<double[]> basis = new java.util.ArrayList<>();
        for (int k = 0; k < e.values().length; k++) {
            double sigma = Math.sqrt(Math.max(0, e.values()[k]));
            if (!(sigma > relativeTolerance * top)) {
                break;
            }
            double[] v;
            if (n <= d) { // eigenvector u of X Xᵀ: v = Xᵀ u / σ
                v = new double[d];
                double[] u = e.vectors()[k];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        v[j] += x[i][j] * u[i];
                    }
                }
            } else { // eigenvector of Xᵀ X is v itself
                v = e.vectors()[k].clone();
            }
            for (double[] b : basis) {
                double dot = dot(v, b);
                for (int j = 0; j < d; j++) {
                    v[j] -= dot * b[j];
                }
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm > 0) {
                for (int j = 0; j < d; j++) {
                    v[j] /= norm;
                }
                basis.add(v);
            }
        }
        return basis.toArray(new double[0][]);
    }

    /** X − 1μᵀ: each column minus its mean (the token set moved to its centroid). */
    public static double[][] centered(double[][] x) {
        int n = x.length;
        if (n == 0) {
            return x;
        }
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / n;
            }
        }
        double[][] c = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] = x[i][j] - mean[j];
            }
        }
        return c;
    }

    /** Squared Frobenius norm. */
    public static double frobenius2(double[][] x) {
        double s = 0;
        for (double[] row : x) {
            s += dot(row, row);
        }
        return s;
    }

    /** Dot product of two equally long vectors. */
    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** X Xᵀ (n × n) when n ≤ d, else Xᵀ X (d × d); both have the squared singular values of X as eigenvalues. */
    private static double[][] smallerGram(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        if (n <= d) {
            double[][] g = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int k = i; k < n; k++) {
                    g[i][k] = dot(x[i], x[k]);
                    g[k][i] = g[i][k];
                }
            }
            return g;
        }
        double[][] g = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double ri = row[i];
                if (ri != 0) {
                    for (int k = i; k < d; k++) {
                        g[i][k] += ri * row[k];
                    }
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < i; k++) {
                g[i][k] = g[k][i];
            }
        }
        return g;
    }
}
