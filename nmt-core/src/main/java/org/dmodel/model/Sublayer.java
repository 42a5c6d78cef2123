package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.function.UnaryOperator;

/** The residual wrapper around every sublayer: pre-norm {@code x + drop(f(LN(x)))} or post-norm {@code LN(x + drop(f(x)))}. */
final class Sublayer {
    private Sublayer() {}

    static NDArray residual(ParameterStore ps, NDArray x, LayerNormalization norm, boolean preNorm, float dropout,
                            boolean training, UnaryOperator<NDArray> f) {
        if (preNorm) {
            return x.add(dropout(f.apply(norm.apply(ps, x, training)), dropout, training));
        }
        return norm.apply(ps, x.add(dropout(f.apply(x), dropout, training)), training);
    }

    static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }
}
