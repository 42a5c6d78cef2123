package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.dmodel.attention.Initializers;
import org.dmodel.attention.ModelPart;
import org.dmodel.attention.Projection;
import org.dmodel.attention.ScaleVector;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.TorchArrays;

/**
 * The position-wise feed-forward network: {@code out(act(in(x)))} with ReLU or GELU, or SwiGLU
 * {@code out(swish(a) ⊙ b)} where one fused projection produces both a and b (width 2·ffnDim).
 * Normalized (ngpt/nugpt, papers.md §3.1): SwiGLU without biases, {@code out((s_u ⊙ b) ⊙ SiLU(s_ν ⊙ a · √d))}
 * with scaling vectors {@code upScale} (s_u) and {@code gateScale} (s_ν), unit-norm rows of {@code in} and
 * columns of {@code out}. Children: {@code in}, {@code out}. Thread-safe once initialized.
 */
final class FeedForward extends ModelPart {
    private final ModelConfig.Activation activation;
    private final int ffnDim;
    private final Projection in;
    private final Projection out;
    private final ScaleVector upScale;
    private final ScaleVector gateScale;
    private final float gateFactor;

    /** The FFN of config {@code c}; {@code scales} non-null for a normalized one. */
    FeedForward(ModelConfig c, NormalizedScales scales) {
        super((byte) 1);
        int dModel = c.dModel();
        this.activation = c.activation();
        this.ffnDim = c.ffnDim();
        boolean gated = activation == ModelConfig.Activation.SWIGLU;
        if (scales != null) {
            in = addChildBlock("in", Projection.normalized(dModel, 2 * ffnDim, Projection.UnitAxis.ROWS));
            out = addChildBlock("out", Projection.normalized(ffnDim, dModel, Projection.UnitAxis.COLUMNS));
            upScale = new ScaleVector("upScale", ffnDim, scales.feedForward());
            gateScale = new ScaleVector("gateScale", ffnDim, scales.feedForward());
            addParameter(upScale.parameter());
            addParameter(gateScale.parameter());
        } else {
            in = addChildBlock("in", new Projection(dModel, gated ? 2 * ffnDim : ffnDim,
                    gated ? Initializers.xavierUniform(ffnDim, ffnDim) : Initializers.xavierUniform(ffnDim)));
            out = addChildBlock("out", new Projection(ffnDim, dModel,
                    c.zeroInitOutput() ? Initializer.ZEROS : Initializers.xavierUniform(dModel)));
            upScale = null;
            gateScale = null;
        }
        gateFactor = (float) Math.sqrt(dModel);
    }

    /** (…, d) → (…, d) in x's manager. */
    NDArray apply(ParameterStore ps, NDArray x, boolean training) {
        NDArray hidden = in.apply(ps, x, training); // (…, f) or (…, 2f)
        NDArray act = switch (activation) {
            case RELU -> Activation.relu(hidden);
            case GELU -> Activation.gelu(hidden);
            case SWIGLU -> {
                NDList ab = hidden.split(new long[] {ffnDim}, hidden.getShape().dimension() - 1);
                NDArray gate = ab.get(0); // (…, f): ν
                NDArray up = ab.get(1);   // (…, f): u
                if (upScale != null) {
                    // papers.md §3.1: ν = s_ν ⊙ (W_ν h) · √d, u = s_u ⊙ (W_u h)
                    gate = gate.mul(TorchArrays.mul(gateScale.value(ps, x, training), gateFactor));
                    up = up.mul(upScale.value(ps, x, training));
                }
                // swish(a) = a·σ(a), written out: DJL's Activation.swish multiplies by a Number (see TorchArrays)
                yield gate.mul(Activation.sigmoid(gate)).mul(up);
            }
        };
        return out.apply(ps, act, training);
    }

    /** Parameters of the feed-forward network of {@code c}. */
    static long parameters(ModelConfig c) {
        long d = c.dModel();
        long f = c.ffnDim();
        if (c.parameterization().normalized()) {
            return 2 * f * d + f * d + 2 * f;
        }
        long inWidth = c.activation() == ModelConfig.Activation.SWIGLU ? 2L * f : f;
        return inWidth * d + inWidth + f * d + d;
    }
}
