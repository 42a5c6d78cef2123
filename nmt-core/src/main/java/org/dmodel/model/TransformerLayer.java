package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.dmodel.attention.Attention;
import org.dmodel.attention.AttentionCache;
import org.dmodel.attention.Attentions;
import org.dmodel.attention.ModelPart;
import org.dmodel.attention.RotaryEmbedding;
import org.dmodel.config.AttentionSpec;
import org.dmodel.config.ModelConfig;

/**
 * A self-attention + feed-forward layer: an encoder layer of {@code encdec}, and a layer of the shared
 * {@code lwc} stack, where the same parameters serve source and target positions. Children: {@code attention},
 * {@code attentionNorm}, {@code ffn}, {@code ffnNorm}. Thread-safe once initialized.
 */
final class TransformerLayer extends ModelPart {
    private final Attention attention;
    private final LayerNormalization attentionNorm;
    private final FeedForward ffn;
    private final LayerNormalization ffnNorm;
    private final boolean preNorm;
    private final float dropout;

    TransformerLayer(ModelConfig c, AttentionSpec spec) {
        super((byte) 1);
        preNorm = c.norm() == ModelConfig.Norm.PRE;
        dropout = (float) c.dropout();
        attention = addChildBlock("attention", Attentions.create(spec, c.dModel(), c.heads(), c.headDim(), false,
                (float) c.attentionDropout(), c.zeroInitOutput(), c.outputProjection() == ModelConfig.OutputProjection.PG_OP));
        attentionNorm = addChildBlock("attentionNorm", new LayerNormalization(c.dModel()));
        ffn = addChildBlock("ffn", new FeedForward(c.dModel(), c.ffnDim(), c.activation(), c.zeroInitOutput()));
        ffnNorm = addChildBlock("ffnNorm", new LayerNormalization(c.dModel()));
    }

    Attention attention() {
        return attention;
    }

    /**
     * The layer over whole sequences x (B, n, d) with an additive mask; when {@code fill} is non-null the
     * layer's keys/values become that cache's shared segment (encoding for decoding).
     */
    NDArray forward(ParameterStore ps, NDArray x, NDArray mask, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                    AttentionCache fill, boolean training) {
        NDArray h = Sublayer.residual(ps, x, attentionNorm, preNorm, dropout, training,
                in -> attention.forward(ps, in, null, mask, rope, angles, fill, training));
        return Sublayer.residual(ps, h, ffnNorm, preNorm, dropout, training, in -> ffn.apply(ps, in, training));
    }

    /** One decoding step for x (N, 1, d) over the layer's cache. */
    NDArray step(ParameterStore ps, NDArray x, AttentionCache cache, NDArray sharedMask, RotaryEmbedding rope,
                 RotaryEmbedding.Angles angles, int beam) {
        NDArray h = Sublayer.residual(ps, x, attentionNorm, preNorm, 0f, false,
                in -> attention.step(ps, in, cache, sharedMask, rope, angles, beam));
        return Sublayer.residual(ps, h, ffnNorm, preNorm, 0f, false, in -> ffn.apply(ps, in, false));
    }

    /** Parameters of one such layer. */
    static long parameters(ModelConfig c, AttentionSpec spec) {
        return attentionParameters(c, spec) + FeedForward.parameters(c.dModel(), c.ffnDim(), c.activation())
                + 4L * c.dModel();
    }

    /** Parameters of one attention module of this config, PG-OP's gates included. */
    static long attentionParameters(ModelConfig c, AttentionSpec spec) {
        long gates = c.outputProjection() == ModelConfig.OutputProjection.PG_OP
                ? Attention.outputGateParameters(c.dModel(), c.heads()) : 0;
        return Attentions.parameters(spec, c.dModel(), c.heads(), c.headDim()) + gates;
    }
}
