package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.dmodel.attention.Initializers;
import org.dmodel.attention.ModelPart;
import org.dmodel.attention.Projection;
import org.dmodel.config.ModelConfig;

/**
 * The position-wise feed-forward network: {@code out(act(in(x)))} with ReLU or GELU, or SwiGLU
 * {@code out(swish(a) ⊙ b)} where one fused projection produces both a and b (width 2·ffnDim).
 * Children: {@code in}, {@code out}. Thread-safe once initialized.
 */
final class FeedForward extends ModelPart {
    private final ModelConfig.Activation activation;
    private final int ffnDim;
    private final Projection in;
    private final Projection out;

    FeedForward(int dModel, int ffnDim, ModelConfig.Activation activation, boolean zeroOutput) {
        super((byte) 1);
        this.activation = activation;
        this.ffnDim = ffnDim;
        boolean gated = activation == ModelConfig.Activation.SWIGLU;
        in = addChildBlock("in", new Projection(dModel, gated ? 2 * ffnDim : ffnDim,
                gated ? Initializers.xavierUniform(ffnDim, ffnDim) : Initializers.xavierUniform(ffnDim)));
        out = addChildBlock("out", new Projection(ffnDim, dModel,
                zeroOutput ? Initializer.ZEROS : Initializers.xavierUniform(dModel)));
    }

    /** (…, d) → (…, d) in x's manager. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray hidden = in.apply(ps, x, training); // (…, f) or (…, 2f)
        NDArray act = switch (activation) {
            case RELU -> Activation.relu(hidden);
            case GELU -> Activation.gelu(hidden);
            case SWIGLU -> {
                NDList ab = hidden.split(new long[] {ffnDim}, hidden.getShape().dimension() - 1);
                yield Activation.swish(ab.get(0), 1f).mul(ab.get(1));
            }
        };
        return out.apply(ps, act, training);
    }

    /** Parameters of a feed-forward network of these sizes. */
    static long parameters(int dModel, int ffnDim, ModelConfig.Activation activation) {
        long inWidth = activation == ModelConfig.Activation.SWIGLU ? 2L * ffnDim : ffnDim;
        return inWidth * dModel + inWidth + (long) ffnDim * dModel + dModel;
    }
}
