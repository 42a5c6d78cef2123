package org.dmodel.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;

/** Assertions on NDArrays that report the largest difference and where it is. */
public final class NdAssert {
    private NdAssert() {}

    /**
     * True when autograd recorded the op that made {@code a} (it has a grad_fn and would keep its inputs for a
     * backward pass). DJL does not expose this ({@code hasGradient()} is false for every computed array), so this
     * asks libtorch to clear the array's requires-grad flag, which it refuses only for such recorded results. Not for
     * parameters: on a leaf it succeeds and clears the flag.
     */
    public static boolean recordsGraph(NDArray a) {
        try {
            a.setRequiresGradient(false);
            return false;
        } catch (ai.djl.engine.EngineException e) {
            return true;
        }
    }

    /** Asserts equal shapes and max |expected − actual| ≤ tolerance. */
    public static void assertClose(NDArray expected, NDArray actual, double tolerance, String what) {
        assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape(), what + ": shapes differ");
        assertClose(expected.toFloatArray(), actual.toFloatArray(), tolerance, what);
    }

    /** Asserts equal lengths and max |expected − actual| ≤ tolerance. */
    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": " + expected.length + " vs " + actual.length + " elements");
        }
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        if (!(worst <= tolerance)) {
            fail(what + ": max abs diff " + worst + " > " + tolerance + " at element " + at + " (expected "
                    + expected[at] + ", got " + actual[at] + ")");
        }
    }

    /** Max |a − b| over all elements. */
    public static double maxAbsDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
