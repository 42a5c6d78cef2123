package org.dmodel.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * A forward-only parameter store whose weight products run in int8: the model's projections and output layer
 * ask it for {@link #linear} instead of multiplying by the float32 weight. Everything else it serves as a plain
 * {@link ParameterStore}. One per decoding state, over the model's shared {@link Int8Weights}.
 */
public final class Int8ParameterStore extends ParameterStore {
    private final Int8Weights weights;

    public Int8ParameterStore(NDManager manager, Int8Weights weights) {
        super(manager, false);
        this.weights = weights;
    }

    /** {@code x Wᵀ (+ b)} for x (…, in) through W's int8 copy; {@code bias} may be null; the result in x's manager. */
    public NDArray linear(NDArray x, Parameter weight, Parameter bias) {
        return Int8Linear.apply(x, weights.of(weight), bias == null ? null : getValue(bias, x.getDevice(), false));
    }
}
