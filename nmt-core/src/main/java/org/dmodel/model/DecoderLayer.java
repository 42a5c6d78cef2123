package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.dmodel.attention.Attention;
import org.dmodel.attention.AttentionCache;
import org.dmodel.attention.RotaryEmbedding;
import org.dmodel.config.AttentionSpec;
import org.dmodel.config.ModelConfig;

/**
 * A decoder layer of {@code encdec}: causal self-attention, cross-attention over the encoder output, feed-forward.
 * Both attentions use the layer's spec. Children: {@code selfAttention}, {@code crossAttention}, {@code ffn}, and
 * {@code selfNorm}, {@code crossNorm}, {@code ffnNorm} (standard) or parameters {@code selfAlpha},
 * {@code crossAlpha}, {@code ffnAlpha} (ngpt/nugpt; the cross-attention's q/k are normalized too, an extension of
 * nGPT, which has no encoder). Thread-safe once initialized.
 */
final class DecoderLayer extends ResidualLayer {
    private final Attention selfAttention;
    private final Sublayer selfResidual;
    private final Attention crossAttention;
    private final Sublayer crossResidual;
    private final FeedForward ffn;
    private final Sublayer ffnResidual;

    DecoderLayer(ModelConfig c, AttentionSpec spec) {
        super(c);
        selfAttention = addChildBlock("selfAttention", attention(spec, false));
        selfResidual = sublayer("self");
        crossAttention = addChildBlock("crossAttention", attention(spec, true));
        crossResidual = sublayer("cross");
        ffn = addChildBlock("ffn", new FeedForward(c, scales));
        ffnResidual = sublayer("ffn");
    }

    Attention selfAttention() {
        return selfAttention;
    }

    Attention crossAttention() {
        return crossAttention;
    }

    /**
     * Teacher-forced pass: y (B, T, d), memory (B, S, d), causal mask, source-padding mask; when {@code probe} is
     * non-null it records the states {@code input}, {@code selfAttention}, {@code crossAttention}, {@code ffn} and
     * both attentions (diagnostics).
     */
    NDArray forward(ParameterStore ps, NDArray y, NDArray memory, NDArray causalMask, NDArray memoryMask,
                    RotaryEmbedding rope, RotaryEmbedding.Angles angles, boolean training, Probe.Layer probe) {
        NDArray h = selfResidual.apply(ps, y, training,
                in -> selfAttention.forward(ps, in, null, causalMask, rope, angles, null, training,
                        Probe.attention(probe, "selfAttention")));
        NDArray c = crossResidual.apply(ps, h, training,
                in -> crossAttention.forward(ps, in, memory, memoryMask, null, null, null, training,
                        Probe.attention(probe, "crossAttention")));
        NDArray out = ffnResidual.apply(ps, c, training, in -> ffn.apply(ps, in, training));
        if (probe != null) {
            probe.state("input", y);
            probe.state("selfAttention", h);
            probe.state("crossAttention", c);
            probe.state("ffn", out);
        }
        return out;
    }

    /** One decoding step for y (N, 1, d). */
    NDArray step(ParameterStore ps, NDArray y, AttentionCache selfCache, AttentionCache crossCache,
                 NDArray memoryMask, RotaryEmbedding rope, RotaryEmbedding.Angles angles, int beam) {
        NDArray h = selfResidual.apply(ps, y, false,
                in -> selfAttention.step(ps, in, selfCache, null, rope, angles, beam));
        h = crossResidual.apply(ps, h, false,
                in -> crossAttention.step(ps, in, crossCache, memoryMask, null, null, beam));
        return ffnResidual.apply(ps, h, false, in -> ffn.apply(ps, in, false));
    }

    /** Parameters of one such layer. */
    static long parameters(ModelConfig c, AttentionSpec spec) {
        return 2 * attentionParameters(c, spec) + FeedForward.parameters(c) + residualParameters(c, 3);
    }
}
