package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.dmodel.testing.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TPA's factor path against the materialized one, in float64: {@link FactoredSegment} over random factors gives the
 * scores, outputs and lone-segment attention that {@link MaterializedSegment} gives over K = A_Kᵀ B_K and
 * V = A_Vᵀ B_V per position, for per-row segments (group 1) and per-sentence segments shared by a group of rows,
 * with a padding mask, several queries per row and R_K ≠ R_V.
 */
class KeyValueSegmentTest {
    private static final int ROWS = 3; // segment rows (sentences of a shared segment)
    private static final int H = 4;
    private static final int DH = 8;
    private static final int T = 5;
    private static final int M = 2; // queries per row
    private static final int RK = 3;
    private static final int RV = 2;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        TestModels.seed(11);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private NDArray random(long... shape) {
        return manager.randomNormal(new Shape(shape)).toType(DataType.FLOAT64, false);
    }

    @ParameterizedTest(name = "group {0}")
    @ValueSource(ints = {1, 3})
    void factorPathEqualsMaterializedKeysAndValues(int group) {
        NDArray ak = random(ROWS, T, H, RK);
        NDArray bk = random(ROWS, T, RK, DH);
        NDArray av = random(ROWS, T, H, RV);
        NDArray bv = random(ROWS, T, RV, DH);
        NDArray q = random((long) ROWS * group, H, M, DH);
        float[] padding = new float[ROWS * T];
        padding[T - 1] = Masks.BLOCKED; // row 0's last position is padding
        padding[2 * T - 2] = Masks.BLOCKED;
        NDArray mask = manager.create(padding, new Shape(ROWS, 1, 1, T)).toType(DataType.FLOAT64, false);

        MaterializedSegment materialized = new MaterializedSegment(
                ak.matMul(bk).transpose(0, 2, 3, 1),  // Kᵀ (R, h, d_h, T)
                av.matMul(bv).transpose(0, 2, 1, 3)); // V (R, h, T, d_h)
        FactoredSegment factored = new FactoredSegment(
                ak.transpose(0, 2, 1, 3).reshape(ROWS, 1, H, 1, T, RK),
                bk.reshape(ROWS, T * RK, DH).transpose(0, 2, 1),
                av.transpose(0, 2, 1, 3).reshape(ROWS, 1, H, 1, T, RV),
                bv.reshape(ROWS, T * RV, DH));

        NDArray scores = materialized.scores(q, mask, group);
        assertClose(scores, factored.scores(q, mask, group), "scores");
        NDArray weights = scores.softmax(-1);
        assertClose(materialized.output(weights, group), factored.output(weights, group), "outputs");
        assertClose(materialized.attend(q, mask, group, 0f, false), factored.attend(q, mask, group, 0f, false),
                "lone-segment attention");
    }

    /** Compared in float32 after float64 arithmetic: rounding once is within {@link Tolerance#IDENTITY}. */
    private static void assertClose(NDArray expected, NDArray actual, String what) {
        NdAssert.assertClose(expected.toType(DataType.FLOAT32, false), actual.toType(DataType.FLOAT32, false),
                Tolerance.IDENTITY, what);
    }
}
