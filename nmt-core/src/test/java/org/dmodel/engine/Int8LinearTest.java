package org.dmodel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Int8 products against a float64 reference, within the bound that the two roundings allow: each input row is
 * scaled to [−1, 1] and coded in 7 bits (step 2/127, error at most a_i/127 for a row of largest magnitude a_i), each
 * weight row symmetric in 8 bits (step m_j/127, error at most m_j/254). And a row's result does not depend on the
 * other rows of its batch.
 */
class Int8LinearTest {
    private static final int IN = 64;
    private static final int OUT = 48;

    /** Rows of mixed magnitude: normal draws, one 1000 times larger, one all zero. */
    private static float[] inputs(Random random, int rows) {
        float[] x = new float[rows * IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        for (int k = 0; k < IN; k++) {
            x[IN + k] *= 1000;
            x[2 * IN + k] = 0;
        }
        return x;
    }

    private static float[] normal(Random random, int n, double sd) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (sd * random.nextGaussian());
        }
        return a;
    }

    @Test
    void productsStayWithinTheQuantizationBound() {
        Random random = new Random(7);
        int rows = 15;
        float[] x = inputs(random, rows);
        float[] w = normal(random, OUT * IN, 0.2);
        float[] b = normal(random, OUT, 1);
        try (NDManager m = NDManager.newBaseManager(); Engines.GradientsOff off = Engines.gradientsOff()) {
            NDArray weight = m.create(w, new Shape(OUT, IN));
            float[] y;
            float[] unbiased;
            try (Int8Linear.PackedWeight packed = Int8Linear.pack(weight)) {
                NDArray out = Int8Linear.apply(m.create(x, new Shape(5, 3, IN)), packed, m.create(b));
                assertEquals(new Shape(5, 3, OUT), out.getShape());
                y = out.toFloatArray();
                unbiased = Int8Linear.apply(m.create(x, new Shape(rows, IN)), packed, null).toFloatArray();
            }
            assertArrayEquals(w, weight.toFloatArray(), "packing left the float32 weight as it was");
            double worst = 0;
            for (int i = 0; i < rows; i++) {
                double a = 0;
                double xAbs = 0;
                for (int k = 0; k < IN; k++) {
                    a = Math.max(a, Math.abs(x[i * IN + k]));
                    xAbs += Math.abs(x[i * IN + k]);
                }
                for (int j = 0; j < OUT; j++) {
                    double exact = 0;
                    double wAbs = 0;
                    double mw = 0;
                    for (int k = 0; k < IN; k++) {
                        exact += (double) x[i * IN + k] * w[j * IN + k];
                        wAbs += Math.abs(w[j * IN + k]);
                        mw = Math.max(mw, Math.abs(w[j * IN + k]));
                    }
                    double dx = a / 127;
                    double dw = mw / 254;
                    double bound = dx * wAbs + dw * xAbs + IN * dx * dw + 1e-5 * Math.abs(exact) + 1e-5;
                    String at = "row " + i + ", column " + j;
                    assertEquals(exact + b[j], y[i * OUT + j], bound, at);
                    assertEquals(exact, unbiased[i * OUT + j], bound, at + " without bias");
                    worst = Math.max(worst, Math.abs(exact - unbiased[i * OUT + j]) / bound);
                }
            }
            assertTrue(worst > 0.01, "the products look unquantized (largest error " + worst + " of its bound)");
        }
    }

    @Test
    void threadsSharingOnePackedWeightGetTheSingleThreadResult() throws Exception {
        Random random = new Random(9);
        int rows = 40;
        float[] x = inputs(random, rows);
        try (NDManager m = NDManager.newBaseManager();
             Int8Linear.PackedWeight packed = Int8Linear.pack(m.create(normal(random, OUT * IN, 0.2), new Shape(OUT, IN)))) {
            NDArray bias = m.create(normal(random, OUT, 1));
            float[] expected;
            try (Engines.GradientsOff off = Engines.gradientsOff()) {
                expected = Int8Linear.apply(m.create(x, new Shape(rows, IN)), packed, bias).toFloatArray();
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    results.add(pool.submit(() -> {
                        try (NDManager own = NDManager.newBaseManager(); Engines.GradientsOff off = Engines.gradientsOff()) {
                            float[] last = null;
                            for (int i = 0; i < 25; i++) {
                                last = Int8Linear.apply(own.create(x, new Shape(rows, IN)), packed, bias).toFloatArray();
                            }
                            return last;
                        }
                    }));
                }
                for (Future<float[]> f : results) {
                    assertArrayEquals(expected, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void aRowGivesTheSameResultAloneAsInItsBatch() {
        Random random = new Random(8);
        int rows = 9;
        float[] x = inputs(random, rows);
        try (NDManager m = NDManager.newBaseManager(); Engines.GradientsOff off = Engines.gradientsOff();
             Int8Linear.PackedWeight packed = Int8Linear.pack(m.create(normal(random, OUT * IN, 0.2), new Shape(OUT, IN)))) {
            NDArray bias = m.create(normal(random, OUT, 1));
            float[] batch = Int8Linear.apply(m.create(x, new Shape(rows, 1, IN)), packed, bias).toFloatArray();
            for (int i = 0; i < rows; i++) {
                float[] row = new float[IN];
                System.arraycopy(x, i * IN, row, 0, IN);
                float[] alone = Int8Linear.apply(m.create(row, new Shape(1, 1, IN)), packed, bias).toFloatArray();
                float[] inBatch = new float[OUT];
                System.arraycopy(batch, i * OUT, inBatch, 0, OUT);
                assertArrayEquals(alone, inBatch, "row " + i);
            }
        }
    }
}
