package org.dmodel.model;

import org.dmodel.attention.Attention;
import org.dmodel.attention.Attentions;
import org.dmodel.attention.ModelPart;
import org.dmodel.attention.ScaleVector;
import org.dmodel.config.AttentionSpec;
import org.dmodel.config.ModelConfig;

/**
 * A layer made of sublayers on a residual stream, each joined by a {@link Sublayer}: a LayerNorm child
 * {@code <name>Norm} (standard) or a step-size parameter {@code <name>Alpha} (ngpt/nugpt). Not thread-safe during
 * construction; thread-safe once initialized.
 */
abstract class ResidualLayer extends ModelPart {
    protected final ModelConfig config;
    protected final NormalizedScales scales;

    ResidualLayer(ModelConfig c) {
        super((byte) 1);
        config = c;
        scales = NormalizedScales.of(c);
    }

    /** Adds the parameters of sublayer {@code name}'s residual connection to this block and returns it. */
    protected Sublayer sublayer(String name) {
        float dropout = (float) config.dropout();
        if (scales != null) {
            ScaleVector alpha = new ScaleVector(name + "Alpha", config.dModel(), scales.alpha());
            addParameter(alpha.parameter());
            return Sublayer.normalized(alpha, dropout);
        }
        return Sublayer.layerNorm(addChildBlock(name + "Norm", new LayerNormalization(config.dModel())),
                config.norm() == ModelConfig.Norm.PRE, dropout);
    }

    /** A new attention module of this layer's config (parameterization, PG-OP gates) for {@code spec}. */
    protected Attention attention(AttentionSpec spec, boolean cross) {
        return Attentions.create(spec, config.dModel(), config.heads(), config.headDim(), cross,
                (float) config.attentionDropout(), config.zeroInitOutput(), scales == null ? null : scales.queryKey(),
                config.outputProjection() == ModelConfig.OutputProjection.PG_OP);
    }

    /** Parameters of one attention module of config {@code c}, PG-OP's gates included. */
    static long attentionParameters(ModelConfig c, AttentionSpec spec) {
        long gates = c.outputProjection() == ModelConfig.OutputProjection.PG_OP
                ? Attention.outputGateParameters(c.dModel(), c.heads()) : 0;
        return Attentions.parameters(spec, c.dModel(), c.heads(), c.headDim(), c.parameterization().normalized())
                + gates;
    }

    /** Parameters of the residual connections of {@code sublayers} sublayers (2d per LayerNorm, d per α). */
    static long residualParameters(ModelConfig c, int sublayers) {
        return (c.parameterization().normalized() ? 1L : 2L) * sublayers * c.dModel();
    }
}
