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
 * A decoder layer of {@code encdec}: causal self-attention, cross-attention over the encoder output, feed-forward.
 * Both attentions use the layer's spec. Children: {@code selfAttention}, {@code selfNorm}, {@code crossAttention},
 * {@code crossNorm}, {@code ffn}, {@code ffnNorm}. Thread-safe once initialized.
 */
final class DecoderLayer extends ModelPart {
    private final Attention selfAttention;
    private final LayerNormalization selfNorm;
    private final Attention crossAttention;
    private final LayerNormalization crossNorm;
    private final FeedForward ffn;
    private final LayerNormalization ffnNorm;
    private final boolean preNorm;
    private final float dropout;

    DecoderLayer(ModelConfig c, AttentionSpec spec) {
        super((byte) 1);
        preNorm = c.norm() == ModelConfig.Norm.PRE;
        dropout = (float) c.dropout();
        float ad = (float) c.attentionDropout();
        boolean gated = c.outputProjection() == ModelConfig.OutputProjection.PG_OP;
        selfAttention = addChildBlock("selfAttention",
                Attentions.create(spec, c.dModel(), c.heads(), c.headDim(), false, ad, c.zeroInitOutput(), gated));
        selfNorm = addChildBlock("selfNorm", new LayerNormalization(c.dModel()));
        crossAttention = addChildBlock("crossAttention",
                Attentions.create(spec, c.dModel(), c.heads(), c.headDim(), true, ad, c.zeroInitOutput(), gated));
        crossNorm = addChildBlock("crossNorm", new LayerNormalization(c.dModel()));
        ffn = addChildBlock("ffn", new FeedForward(c.dModel(), c.ffnDim(), c.activation(), c.zeroInitOutput()));
        ffnNorm = addChildBlock("ffnNorm", new LayerNormalization(c.dModel()));
    }

    Attention selfAttention() {
        return selfAttention;
    }

    Attention crossAttention() {
        return crossAttention;
    }

    /** Teacher-forced pass: y (B, T, d), memory (B, S, d), causal mask, source-padding mask. */
    NDArray forward(ParameterStore ps, NDArray y, NDArray memory, NDArray causalMask, NDArray memoryMask,
                    RotaryEmbedding rope, RotaryEmbedding.Angles angles, boolean training) {
        NDArray h = Sublayer.residual(ps, y, selfNorm, preNorm, dropout, training,
                in -> selfAttention.forward(ps, in, null, causalMask, rope, angles, null, training));
        h = Sublayer.residual(ps, h, crossNorm, preNorm, dropout, training,
                in -> crossAttention.forward(ps, in, memory, memoryMask, null, null, null, training));
        return Sublayer.residual(ps, h, ffnNorm, preNorm, dropout, training, in -> ffn.apply(ps, in, training));
    }

    /** One decoding step for y (N, 1, d). */
    NDArray step(ParameterStore ps, NDArray y, AttentionCache selfCache, AttentionCache crossCache,
                 NDArray memoryMask, RotaryEmbedding rope, RotaryEmbedding.Angles angles, int beam) {
        NDArray h = Sublayer.residual(ps, y, selfNorm, preNorm, 0f, false,
                in -> selfAttention.step(ps, in, selfCache, null, rope, angles, beam));
        h = Sublayer.residual(ps, h, crossNorm, preNorm, 0f, false,
                in -> crossAttention.step(ps, in, crossCache, memoryMask, null, null, beam));
        return Sublayer.residual(ps, h, ffnNorm, preNorm, 0f, false, in -> ffn.apply(ps, in, false));
    }

    /** Parameters of one such layer. */
    static long parameters(ModelConfig c, AttentionSpec spec) {
        return 2 * TransformerLayer.attentionParameters(c, spec)
                + FeedForward.parameters(c.dModel(), c.ffnDim(), c.activation()) + 6L * c.dModel();
    }
}
