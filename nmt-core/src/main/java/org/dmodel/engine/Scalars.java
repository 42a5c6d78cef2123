package org.dmodel.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The one way dmodel combines an array with a Java number on a path that autograd may record (djl-notes.md,
 * pitfall 11).
 *
 * <p>Why: DJL's {@code Number} overloads ({@code x.mul(2f)}, {@code x.div(n)}, {@code x.eq(pad)}, …) wrap the number
 * in an array made with {@code torch::from_blob} over a direct buffer and close it right after the op. Autograd keeps
 * that operand for the backward pass, but nothing keeps its buffer alive any more: a garbage collection between
 * forward and backward frees the memory and backward reads whatever is there by then. Here the number becomes a 0-d
 * array in the manager of the array it is combined with, so it stays open exactly as long as the result does: on a
 * training step that is the step's manager, closed after backward and the optimizer step; while decoding it is the
 * step's or the state's manager, closed with them.
 *
 * <p>Never pass a parameter as {@code x}: its manager is the model's, which would keep every scalar (and the result)
 * for the life of the model (djl-notes.md, pitfall 3). {@code TrainingPathTest} fails when code on the training path
 * calls a {@code Number} overload or closes an array before backward. Stateless and thread-safe.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code value} as a 0-d array of x's data type, in x's manager (so on x's device). */
    public static NDArray like(NDArray x, double value) {
        NDManager m = x.getManager();
        return switch (x.getDataType()) {
            case FLOAT32 -> m.create((float) value);
            case FLOAT64 -> m.create(value);
            case INT32 -> m.create(exactInt(value));
            case INT64 -> m.create((long) exactInt(value));
            default -> throw new IllegalArgumentException("no scalar of data type " + x.getDataType());
        };
    }

    private static int exactInt(double value) {
        if (value != Math.rint(value) || Math.abs(value) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(value + " is not an int32 value");
        }
        return (int) value;
    }

    /** {@code x · c}, in x's manager. */
    public static NDArray mul(NDArray x, double c) {
        return x.mul(like(x, c));
    }

    /** {@code x / c}, in x's manager. */
    public static NDArray div(NDArray x, double c) {
        return x.div(like(x, c));
    }

    /** {@code x + c}, in x's manager. */
    public static NDArray add(NDArray x, double c) {
        return x.add(like(x, c));
    }

    /** {@code x == c} element-wise (boolean), in x's manager. */
    public static NDArray eq(NDArray x, double c) {
        return x.eq(like(x, c));
    }

    /** {@code x != c} element-wise (boolean), in x's manager. */
    public static NDArray neq(NDArray x, double c) {
        return x.neq(like(x, c));
    }

    /** {@code x > c} element-wise (boolean), in x's manager. */
    public static NDArray gt(NDArray x, double c) {
        return x.gt(like(x, c));
    }
}
