package org.dmodel.diagnostics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.dmodel.attention.Attend;
import org.dmodel.attention.Masks;
import org.junit.jupiter.api.Test;

/** Normalized entropy: 1 for uniform attention over the visible keys, 0 for one-hot, under full and causal masks. */
class AttentionEntropyTest {
    /** float32 probabilities from the real softmax, entropy in double. */
    private static final double FLOAT_ROW = 1e-6;

    @Test
    void uniformRowHasEntropyOneAndOneHotRowZero() {
        boolean[] all = new boolean[5];
        Arrays.fill(all, true);
        double[] uniform = new double[5];
        Arrays.fill(uniform, 0.2);
        assertEquals(1, AttentionEntropy.normalized(uniform, all), 1e-15);
        assertEquals(0, AttentionEntropy.normalized(new double[] {0, 0, 1, 0, 0}, all), 0);
    }

    @Test
    void onlyVisibleKeysCountAndASingleVisibleKeyHasNoEntropy() {
        boolean[] firstThree = {true, true, true, false, false};
        assertEquals(1, AttentionEntropy.normalized(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0}, firstThree), 1e-15);
        assertTrue(Double.isNaN(AttentionEntropy.normalized(new double[] {1, 0}, new boolean[] {true, false})));
    }

    @Test
    void equalScoresUnderACausalMaskGiveEntropyOneOnEveryQueryWithAChoice() {
        int t = 6;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray q = m.zeros(new Shape(1, 2, t, 4)); // all scores equal
            NDArray keys = m.randomNormal(new Shape(1, 2, 4, t));
            float[] p = Attend.probabilities(q, keys, Masks.causal(m, t)).toFloatArray(); // (1, 2, T, T)
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < t; i++) {
                    double[] row = new double[t];
                    boolean[] visible = new boolean[t];
                    for (int j = 0; j < t; j++) {
                        row[j] = p[(h * t + i) * t + j];
                        visible[j] = j <= i;
                    }
                    double e = AttentionEntropy.normalized(row, visible);
                    if (i == 0) {
                        assertTrue(Double.isNaN(e), "the first query sees one key");
                    } else {
                        assertEquals(1, e, FLOAT_ROW, "head " + h + " query " + i);
                    }
                    double[] oneHot = new double[t];
                    oneHot[i] = 1;
                    assertEquals(i == 0 ? Double.NaN : 0.0, AttentionEntropy.normalized(oneHot, visible), 0.0);
                }
            }
        }
    }
}
