package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.dmodel.attention.ModelPart;

/** Layer normalization over the last axis with learned gain and bias ({@code gamma}, {@code beta}). Thread-safe once initialized. */
final class LayerNormalization extends ModelPart {
    private static final float EPS = 1e-5f;
    private final Parameter gamma;
    private final Parameter beta;
    private final Shape normalized;

    LayerNormalization(int dModel) {
        super((byte) 1);
        normalized = new Shape(dModel);
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(normalized).optInitializer(Initializer.ONES).build());
        beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA)
                .optShape(normalized).optInitializer(Initializer.ZEROS).build());
    }

    /** (…, d) → (…, d), in x's manager. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        return LayerNorm.layerNorm(x, normalized, ps.getValue(gamma, x.getDevice(), training),
                ps.getValue(beta, x.getDevice(), training), EPS).singletonOrThrow();
    }
}
