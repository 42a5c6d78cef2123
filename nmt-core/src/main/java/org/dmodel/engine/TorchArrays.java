package org.dmodel.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import java.util.function.Supplier;

/**
 * Arrays whose memory libtorch owns: the one way dmodel turns Java numbers and Java arrays into operands on a path
 * that autograd may record (djl-notes.md, pitfall 11), and what that buys.
 *
 * <p>Why: DJL makes an array from Java data with {@code torch::from_blob} over a direct buffer, without a copy; only
 * the Java side keeps that buffer alive. Its {@code Number} overloads ({@code x.mul(2f)}, {@code x.eq(pad)}, …) make
 * such an operand and close it right after the op, but autograd keeps the operand for the backward pass: a garbage
 * collection in between frees the memory and backward reads whatever is there by then. Here a number becomes a 0-d
 * array that libtorch allocates and fills ({@link #scalar}, {@code torch::full}), and a Java array is copied into
 * libtorch's memory ({@link #of}). Autograd then holds its own reference to whatever it saves, so closing any handle
 * is harmless — which is what lets {@link #retainOnly} free a layer's intermediate arrays as soon as the layer is
 * done, as PyTorch frees unreferenced tensors, instead of holding every array of a training step until the step ends.
 *
 * <p>{@code TrainingPathTest} reads the bytecode of everything between batch and loss and fails if an array is made
 * from Java data anywhere but here, or a {@code Number} overload is called. Decoding runs without autograd and may
 * use {@link NDManager#create} directly. Never pass a parameter as {@code x}: its manager is the model's, which would
 * keep every constant (and the result) for the life of the model (pitfall 3). Stateless and thread-safe.
 */
public final class TorchArrays {
    private TorchArrays() {}

    /**
     * {@code value} as a 0-d array of x's data type (float32, int32 or int64), in x's manager (so on x's device).
     * Float32 constants are rounded to float; integer constants must be integers below 2^24.
     */
    public static NDArray scalar(NDArray x, double value) {
        DataType type = x.getDataType();
        if (type == DataType.INT32 || type == DataType.INT64) {
            if (value != Math.rint(value) || Math.abs(value) >= 1 << 24) {
                throw new IllegalArgumentException(value + " is not an integer constant below 2^24");
            }
        } else if (type != DataType.FLOAT32) {
            throw new IllegalArgumentException("no scalar constant of data type " + type);
        }
        return x.getManager().full(new Shape(), (float) value, type);
    }

    /** {@code x · c}, in x's manager. */
    public static NDArray mul(NDArray x, double c) {
        return x.mul(scalar(x, c));
    }

    /** {@code x / c}, in x's manager. */
    public static NDArray div(NDArray x, double c) {
        return x.div(scalar(x, c));
    }

    /** {@code x == c} element-wise (boolean), in x's manager. */
    public static NDArray eq(NDArray x, double c) {
        return x.eq(scalar(x, c));
    }

    /** {@code x != c} element-wise (boolean), in x's manager. */
    public static NDArray neq(NDArray x, double c) {
        return x.neq(scalar(x, c));
    }

    /** {@code x > c} element-wise (boolean), in x's manager. */
    public static NDArray gt(NDArray x, double c) {
        return x.gt(scalar(x, c));
    }

    /**
     * The rows of x (along its first axis) at {@code index} (1-D int32 or int64), in the manager of {@code index}:
     * libtorch's {@code index_select}, here as {@code torch::embedding} over x viewed as (rows, rest). For a beam's
     * decoding cache 1.5–3.5× as fast as advanced indexing ({@code x.get(new NDIndex("{}", index))}), which DJL
     * uses for an index array (BENCHMARKS.md "Int8 decoding").
     */
    public static NDArray rows(NDArray x, NDArray index) {
        long[] shape = x.getShape().getShape().clone(); // DJL hands out the Shape's own array
        try (NDArray table = x.reshape(shape[0], -1);
             NDArray picked = Embedding.embedding(index, table, SparseFormat.DENSE).singletonOrThrow()) {
            shape[0] = index.size();
            return picked.reshape(new Shape(shape));
        }
    }

    /** A float32 array of {@code shape} holding {@code data} (row-major), copied into libtorch's memory, in {@code manager}. */
    public static NDArray of(NDManager manager, float[] data, Shape shape) {
        try (NDArray javaOwned = manager.create(data, shape)) {
            return javaOwned.duplicate();
        }
    }

    /** An int32 array of {@code shape} holding {@code data} (row-major), copied into libtorch's memory, in {@code manager}. */
    public static NDArray of(NDManager manager, int[] data, Shape shape) {
        try (NDArray javaOwned = manager.create(data, shape)) {
            return javaOwned.duplicate();
        }
    }

    /**
     * Runs {@code work} and closes every array it created in this thread except the one it returns (which stays in
     * its manager). Autograd keeps what backward needs, so on a training step this frees, as soon as a layer is done,
     * the intermediate arrays backward does not read (for a 3+3-layer model roughly half of the step's peak). Only
     * for work that keeps nothing else: a decoding cache filled inside would be closed too.
     */
    public static NDArray retainOnly(Supplier<NDArray> work) {
        try (NDScope scope = new NDScope()) {
            NDArray kept = work.get();
            NDScope.unregister(kept);
            return kept;
        }
    }
}
