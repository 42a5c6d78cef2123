package org.dmodel.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Constants and Java arrays as libtorch-owned arrays, and freeing a computation's intermediates early. */
class TorchArraysTest {
    @Test
    void scalarsTakeTheArraysTypeAndManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f = m.ones(new Shape(3));
            NDArray ids = m.arange(0, 4, 1, DataType.INT32);
            assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f}, TorchArrays.mul(f, 2.5).toFloatArray());
            assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, TorchArrays.div(f, 2).toFloatArray());
            assertArrayEquals(new boolean[] {false, false, true, false}, TorchArrays.eq(ids, 2).toBooleanArray());
            assertArrayEquals(new boolean[] {true, true, false, true}, TorchArrays.neq(ids, 2).toBooleanArray());
            assertArrayEquals(new boolean[] {false, false, false, true}, TorchArrays.gt(ids, 2).toBooleanArray());
            NDArray c = TorchArrays.scalar(ids, 3);
            assertEquals(DataType.INT32, c.getDataType());
            assertTrue(c.getShape().isScalar());
            assertTrue(m.getManagedArrays().contains(c), "the constant belongs to the array's manager");
            assertThrows(IllegalArgumentException.class, () -> TorchArrays.scalar(ids, 0.5));
            assertThrows(IllegalArgumentException.class, () -> TorchArrays.scalar(f.toType(DataType.FLOAT64, false), 1));
        }
    }

    @Test
    void rowsPicksAlongTheFirstAxisInTheIndexManager() {
        try (NDManager m = NDManager.newBaseManager(); NDManager other = m.newSubManager()) {
            NDArray x = m.arange(0f, 60f).reshape(5, 3, 2, 2);
            for (NDArray index : List.of(other.create(new long[] {4, 0, 0, 2}), other.create(new int[] {1}))) {
                NDArray picked = TorchArrays.rows(x, index);
                long[] ids = index.toType(DataType.INT64, false).toLongArray();
                assertEquals(new Shape(ids.length, 3, 2, 2), picked.getShape());
                for (int r = 0; r < ids.length; r++) {
                    assertArrayEquals(x.get(ids[r]).toFloatArray(), picked.get(r).toFloatArray(), "row " + r);
                }
                assertTrue(picked.getManager() == other, "the result belongs to the index's manager");
            }
        }
    }

    @Test
    void javaArraysAreCopied() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] data = {1, 2, 3, 4};
            NDArray a = TorchArrays.of(m, data, new Shape(2, 2));
            data[0] = 99;
            int[] ids = {5, 6};
            NDArray b = TorchArrays.of(m, ids, new Shape(2));
            ids[1] = 0;
            assertArrayEquals(new float[] {1, 2, 3, 4}, a.toFloatArray());
            assertArrayEquals(new int[] {5, 6}, b.toIntArray());
            // the manager's list has no defined order: compare as sets
            assertEquals(Set.of(a, b), Set.copyOf(m.getManagedArrays()), "the Java-backed temporaries are gone");
        }
    }

    /** y = Σ (x · 3 + x²) / 2 through constants and a Java-array operand; dy/dx = (3 + 2x) / 2. */
    private static NDArray function(NDArray x) {
        NDArray offsets = TorchArrays.of(x.getManager(), new float[] {0, 0, 0, 0}, new Shape(4));
        return TorchArrays.div(TorchArrays.mul(x, 3).add(x.mul(x)).add(offsets), 2).sum();
    }

    @Test
    void retainOnlyFreesIntermediatesAndBackwardStillSeesEverything() {
        Engines.pytorch();
        float[] expected = {1.5f, 2.5f, 3.5f, 4.5f}; // x = 0, 1, 2, 3
        try (NDManager m = NDManager.newBaseManager()) {
            for (int round = 0; round < 50; round++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray x = step.arange(0f, 4f);
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        int before = step.getManagedArrays().size();
                        NDArray y = TorchArrays.retainOnly(() -> function(x));
                        assertEquals(before + 1, step.getManagedArrays().size(), "only the result is left");
                        churn(); // what a freed Java buffer would now hold
                        gc.backward(y);
                    }
                    assertArrayEquals(expected, x.getGradient().toFloatArray(), "round " + round);
                }
            }
        }
    }

    /** Collects garbage and reuses small native blocks, as the reproduction of pitfall 11 does. */
    private static void churn() {
        System.gc();
        List<ByteBuffer> junk = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            b.putFloat(0, 1e30f);
            junk.add(b);
        }
        System.gc();
    }
}
