package org.dmodel.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Map;
import org.dmodel.engine.Engines;
import org.dmodel.engine.TorchArrays;
import org.junit.jupiter.api.Test;

/** Optimizer, schedule and loss against float64 reference implementations written out here. */
class OptimizationTest {
    private static byte[] state(AdamW optimizer) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        optimizer.writeState(out);
        return out.toByteArray();
    }

    @Test
    void inverseSqrtWarmsUpLinearlyThenDecaysLikeFairseq() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.INVERSE_SQRT, 5e-4, 4000, 0);
        assertEquals(5e-4 / 4000, s.at(1), 1e-15);
        assertEquals(5e-4 / 2, s.at(2000), 1e-15);
        assertEquals(5e-4, s.at(4000), 1e-15);
        assertEquals(5e-4 * Math.sqrt(4000.0 / 16000), s.at(16000), 1e-15);
    }

    @Test
    void cosineReachesZeroAtMaxSteps() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 10, 110);
        assertEquals(1e-3, s.at(10), 1e-15);
        assertEquals(0.5e-3, s.at(60), 1e-12);
        assertEquals(0, s.at(110), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.COSINE, 1e-3, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.Kind.parse("linear"));
    }

    @Test
    void adamWMatchesAFloat64ReferenceAndItsStateRoundTrips() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter w = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(2, 2)).optInitializer(new ConstantInitializer(0.5f)).build();
            w.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32);
            double b1 = 0.9;
            double b2 = 0.98;
            double eps = 1e-8;
            double wd = 0.01;
            double lr = 0.1;
            double[] ref = {0.5, 0.5, 0.5, 0.5};
            double[] mRef = new double[4];
            double[] vRef = new double[4];
            float[][] grads = {{1, -2, 0.5f, 0}, {0.3f, 0.1f, -1, 2}, {-0.5f, 1, 1, 1}};
            AdamW opt = new AdamW(m, List.of(new Pair<>("layer.w", w)), Map.of(), b1, b2, eps, wd);
            for (int t = 1; t <= grads.length; t++) {
                try (NDManager step = m.newSubManager()) {
                    opt.step(List.of(step.create(grads[t - 1], new Shape(2, 2))), lr);
                }
                for (int i = 0; i < 4; i++) {
                    double g = grads[t - 1][i];
                    mRef[i] = b1 * mRef[i] + (1 - b1) * g;
                    vRef[i] = b2 * vRef[i] + (1 - b2) * g * g;
                    ref[i] *= 1 - lr * wd;
                    ref[i] -= lr * (mRef[i] / (1 - Math.pow(b1, t))) / (Math.sqrt(vRef[i] / (1 - Math.pow(b2, t))) + eps);
                }
            }
            float[] got = w.getArray().toFloatArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(ref[i], got[i], 1e-6, "float32 vs float64 reference, element " + i);
            }
            byte[] state = state(opt);
            AdamW restored = new AdamW(m, List.of(new Pair<>("layer.w", w)), Map.of(), b1, b2, eps, wd);
            restored.readState(new java.io.ByteArrayInputStream(state), "test");
            assertEquals(3, restored.updates());
            assertArrayEquals(state, state(restored));
            opt.close();
            restored.close();
        }
    }

    /**
     * One update as the training loop makes it: gradients of two backward passes (two micro-batches of
     * --update-freq 2) summed, divided by the update's tokens, clipped to --clip-norm, applied with each
     * parameter's learning-rate multiplier, and cleared for the next update. Two updates against float64: the first
     * is clipped, the second is not, so a missing division, clip, multiplier or clearing changes the second.
     */
    @Test
    void updatesFromAccumulatedGradientsAreDividedClippedAndScaledPerParameter() throws Exception {
        Engines.pytorch();
        double lr = 0.01;
        double clipNorm = 1.0;
        double[] divisors = {10, 1};
        double[] scales = {1.0, 0.5}; // "a" has no multiplier, "b" has 0.5 (a νGPT group, say)
        // per update, per micro-batch, per parameter: the gradient of Σ c·w is c
        float[][][][] c = {
            {{{30, -40}, {10, 0}}, {{20, 10}, {-5, 5}}},
            {{{0.1f, -0.2f}, {0.3f, 0.1f}}, {{0.05f, 0.1f}, {-0.1f, 0.2f}}}};
        try (NDManager m = NDManager.newBaseManager()) {
            List<Pair<String, Parameter>> params = new java.util.ArrayList<>();
            for (String name : new String[] {"a", "b"}) {
                Parameter w = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(2))
                        .optInitializer(new ConstantInitializer(0.5f)).build();
                w.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32);
                params.add(new Pair<>(name, w));
            }
            double b1 = 0.9;
            double b2 = 0.98;
            double eps = 1e-8;
            double[][] ref = {{0.5, 0.5}, {0.5, 0.5}};
            double[][] mRef = new double[2][2];
            double[][] vRef = new double[2][2];
            try (AdamW opt = new AdamW(m, params, Map.of("b", 0.5), b1, b2, eps, 0)) {
                for (int t = 1; t <= 2; t++) {
                    try (NDManager step = m.newSubManager()) {
                        for (float[][] micro : c[t - 1]) {
                            try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                                NDArray loss = null;
                                for (int p = 0; p < 2; p++) {
                                    NDArray w = params.get(p).getValue().getArray();
                                    NDArray term = w.mul(TorchArrays.of(step, micro[p], new Shape(2))).sum();
                                    loss = loss == null ? term : loss.add(term);
                                }
                                gc.backward(loss);
                            }
                        }
                        opt.stepFromGradients(step, divisors[t - 1], clipNorm, lr, false);
                    }
                    double[][] g = new double[2][2];
                    double squares = 0;
                    for (int p = 0; p < 2; p++) {
                        for (int i = 0; i < 2; i++) {
                            g[p][i] = c[t - 1][0][p][i] + c[t - 1][1][p][i];
                            squares += g[p][i] * g[p][i];
                        }
                    }
                    double norm = Math.sqrt(squares) / divisors[t - 1];
                    double factor = (norm > clipNorm ? clipNorm / norm : 1) / divisors[t - 1];
                    assertEquals(t == 1, norm > clipNorm, "the first update is clipped, the second is not");
                    for (int p = 0; p < 2; p++) {
                        for (int i = 0; i < 2; i++) {
                            double gi = g[p][i] * factor;
                            mRef[p][i] = b1 * mRef[p][i] + (1 - b1) * gi;
                            vRef[p][i] = b2 * vRef[p][i] + (1 - b2) * gi * gi;
                            ref[p][i] -= lr * scales[p] * (mRef[p][i] / (1 - Math.pow(b1, t)))
                                    / (Math.sqrt(vRef[p][i] / (1 - Math.pow(b2, t))) + eps);
                        }
                    }
                }
            }
            for (int p = 0; p < 2; p++) {
                float[] got = params.get(p).getValue().getArray().toFloatArray();
                for (int i = 0; i < 2; i++) {
                    assertEquals(ref[p][i], got[i], 1e-6, "parameter " + params.get(p).getKey() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void labelSmoothedLossMatchesReferenceAndIgnoresPadding() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] logits = {1, 2, 0.5f, -1, 0, 0, 3, 1, 2, 2, 2, 2};
            int[] target = {1, 3, 0}; // last position is padding (pad id 0)
            LabelSmoothedLoss ls = new LabelSmoothedLoss(0.1, 0);
            NDArray lg = m.create(logits, new Shape(1, 3, 4));
            NDArray tg = m.create(target, new Shape(1, 3));
            LabelSmoothedLoss.Sums sums = ls.compute(lg, tg);
            double loss = 0;
            double nll = 0;
            for (int t = 0; t < 2; t++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int v = 0; v < 4; v++) {
                    max = Math.max(max, logits[t * 4 + v]);
                }
                double z = 0;
                for (int v = 0; v < 4; v++) {
                    z += Math.exp(logits[t * 4 + v] - max);
                }
                double logZ = Math.log(z) + max;
                double n = logZ - logits[t * 4 + target[t]];
                double smooth = 0;
                for (int v = 0; v < 4; v++) {
                    smooth += logZ - logits[t * 4 + v];
                }
                double epsI = 0.1 / 3;
                nll += n;
                loss += (1 - 0.1 - epsI) * n + epsI * smooth;
            }
            assertEquals(nll, sums.nll().getFloat(), 1e-5);
            assertEquals(loss, sums.loss().getFloat(), 1e-5);
        }
    }
}
