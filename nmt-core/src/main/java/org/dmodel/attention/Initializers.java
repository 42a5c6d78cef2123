package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * Parameter initializers used by dmodel's blocks (papers.md §2.1: Xavier-uniform per factor matrix,
 * optional zero-initialized output projections). Stateless; randomness comes from the engine's seed.
 */
public final class Initializers {
    private Initializers() {}

    /**
     * Xavier-uniform for a fused projection weight of shape (Σ rows, in) made of stacked matrices: each row
     * block of {@code rows[i]} outputs gets its own bound √(6 / (in + rows[i])), as if it were a separate
     * matrix (a fused QKV or TPA factor projection initializes like its unfused parts).
     */
    public static Initializer xavierUniform(long... rows) {
        return (manager, shape, dataType) -> {
            long in = shape.get(1);
            long total = 0;
            for (long r : rows) {
                total += r;
            }
            if (shape.dimension() != 2 || total != shape.get(0)) {
                throw new IllegalArgumentException("xavierUniform: blocks sum to " + total + " rows but shape is " + shape);
            }
            if (rows.length == 1) {
                return block(manager, rows[0], in, dataType);
            }
            NDList parts = new NDList();
            try (NDManager scratch = manager.newSubManager()) {
                for (long r : rows) {
                    parts.add(block(scratch, r, in, dataType));
                }
                NDArray all = ai.djl.ndarray.NDArrays.concat(parts, 0);
                all.attach(manager);
                return all;
            }
        };
    }

    private static NDArray block(NDManager manager, long rows, long in, ai.djl.ndarray.types.DataType dataType) {
        float bound = (float) Math.sqrt(6.0 / (in + rows));
        return manager.randomUniform(-bound, bound, new Shape(rows, in), dataType);
    }

    /** Normal with mean 0 and the given standard deviation (embeddings: d^-1/2). */
    public static Initializer normal(double std) {
        return (manager, shape, dataType) -> manager.randomNormal(0f, (float) std, shape, dataType);
    }
}
