package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * An affine map {@code y = x Wᵀ + b} with W of shape (out, in), the building brick of every projection
 * (fused QKV, TPA factors, output, feed-forward). Parameters: {@code weight}, {@code bias} (zero-initialized).
 * Thread-safe once initialized.
 */
public final class Projection extends ModelPart {
    private final Parameter weight;
    private final Parameter bias;

    /** A projection from {@code in} to {@code out} features whose weight starts from {@code init}. */
    public Projection(int in, int out, Initializer init) {
        super((byte) 1);
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in)).optInitializer(init).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                .optShape(new Shape(out)).optInitializer(Initializer.ZEROS).build());
    }

    /** Applies the map to the last axis of {@code x} (…, in) → (…, out); the result belongs to x's manager. */
    public NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return Linear.linear(x, ps.getValue(weight, x.getDevice(), training), ps.getValue(bias, x.getDevice(), training))
                .singletonOrThrow();
    }
}
