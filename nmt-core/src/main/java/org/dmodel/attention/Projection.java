package org.dmodel.attention;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.dmodel.engine.Int8ParameterStore;

/**
 * An affine map {@code y = x Wᵀ + b} with W of shape (out, in), the building brick of every projection
 * (fused QKV, TPA factors, output, feed-forward). Parameters: {@code weight}, and {@code bias} (zero-initialized)
 * for a standard projection. A normalized projection ({@link #normalized}, nGPT) has no bias and keeps the
 * d-vectors of W at unit norm: its rows when it reads the model dimension, its columns when it writes it.
 * Thread-safe once initialized.
 */
public final class Projection extends ModelPart implements UnitNormWeights {
    /** Which vectors of W (out, in) a normalized projection keeps at unit norm. */
    public enum UnitAxis {
        /** None: a standard projection. */
        NONE,
        /** Each row (length in = d): projections that read the model dimension (W_q, W_k, W_v, W_u, W_ν). */
        ROWS,
        /** Each column (length out = d): projections that write it (attention W_o, FFN W_o2). */
        COLUMNS
    }

    private final Parameter weight;
    private final Parameter bias;
    private final UnitAxis unitAxis;

    /** A standard projection (with bias) from {@code in} to {@code out} features whose weight starts from {@code init}. */
    public Projection(int in, int out, Initializer init) {
        this(in, out, init, true, UnitAxis.NONE);
    }

    private Projection(int in, int out, Initializer init, boolean withBias, UnitAxis unitAxis) {
        super((byte) 1);
        this.unitAxis = unitAxis;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optInitializer(init).build());
        bias = withBias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(Initializer.ZEROS).build()) : null;
    }

    /**
     * A bias-free nGPT projection whose d-vectors along {@code unitAxis} start as N(0, 1/√d) draws (papers.md
     * §3.1; normalized by {@link #renormalize} once the model is initialized).
     */
    public static Projection normalized(int in, int out, UnitAxis unitAxis) {
        if (unitAxis == UnitAxis.NONE) {
            throw new IllegalArgumentException("a normalized projection needs ROWS or COLUMNS");
        }
        int d = unitAxis == UnitAxis.ROWS ? in : out;
        return new Projection(in, out, Initializers.normal(1 / Math.sqrt(d)), false, unitAxis);
    }

    /** The weight W (out, in) as {@code ps} serves it on {@code device}; owned by the parameter store's model. */
    public NDArray weight(ParameterStore ps, Device device) {
        return ps.getValue(weight, device, false);
    }

    /**
     * Applies the map to the last axis of {@code x} (…, in) → (…, out); the result belongs to x's manager. An
     * {@link Int8ParameterStore} (int8 decoding) computes it with the weight's int8 copy.
     */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        if (ps instanceof Int8ParameterStore int8) {
            return int8.linear(x, weight, bias);
        }
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        return (bias == null ? Linear.linear(x, w) : Linear.linear(x, w, ps.getValue(bias, x.getDevice(), training)))
                .singletonOrThrow();
    }

    @Override
    public void renormalize() {
        if (unitAxis != UnitAxis.NONE) {
            UnitNormWeights.normalizeInPlace(weight.getArray(), unitAxis == UnitAxis.ROWS ? 1 : 0);
        }
    }
}
