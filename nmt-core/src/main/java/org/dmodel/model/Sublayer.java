package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import java.util.function.UnaryOperator;
import org.dmodel.attention.ScaleVector;
import org.dmodel.attention.UnitNormWeights;

/**
 * How a sublayer f joins the residual stream: standard pre-norm {@code x + drop(f(LN(x)))} or post-norm
 * {@code LN(x + drop(f(x)))}, or the normalized Transformer's step on the unit sphere
 * {@code Norm(x + |α| ⊙ (Norm(drop(f(x))) − x))} (papers.md §3.1, α with the init/scale trick). Thread-safe.
 */
abstract class Sublayer {
    private final float dropout;

    private Sublayer(float dropout) {
        this.dropout = dropout;
    }

    /** A LayerNorm residual around {@code norm}. */
    static Sublayer layerNorm(LayerNormalization norm, boolean preNorm, float dropout) {
        return new Sublayer(dropout) {
            @Override
            NDArray apply(ParameterStore ps, NDArray x, boolean training, UnaryOperator<NDArray> f) {
                if (preNorm) {
                    return x.add(dropout(f.apply(norm.apply(ps, x, training)), training));
                }
                return norm.apply(ps, x.add(dropout(f.apply(x), training)), training);
            }
        };
    }

    /** nGPT's normalized residual with step size {@code alpha}. */
    static Sublayer normalized(ScaleVector alpha, float dropout) {
        return new Sublayer(dropout) {
            @Override
            NDArray apply(ParameterStore ps, NDArray x, boolean training, UnaryOperator<NDArray> f) {
                NDArray target = UnitNormWeights.normalize(dropout(f.apply(x), training)); // (…, d)
                NDArray a = alpha.value(ps, x, training).abs(); // (d); nGPT's code takes |α|
                return UnitNormWeights.normalize(x.add(target.sub(x).mul(a)));
            }
        };
    }

    /** x after the sublayer f; dropout on f's output only when training. */
    abstract NDArray apply(ParameterStore ps, NDArray x, boolean training, UnaryOperator<NDArray> f);

    NDArray dropout(NDArray x, boolean training) {
        return dropout(x, dropout, training);
    }

    static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0 ? Dropout.dropout(x, rate, true).singletonOrThrow() : x;
    }
}
