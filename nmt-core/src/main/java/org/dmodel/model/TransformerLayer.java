package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.dmodel.attention.Attention;
import org.dmodel.attention.AttentionCache;
import org.dmodel.attention.RotaryEmbedding;
import org.dmodel.config.AttentionSpec;
import org.dmodel.config.ModelConfig;

/**
 * A self-attention + feed-forward layer: an encoder layer of {@code encdec}, and a layer of the shared
 * {@code lwc} stack, where the same parameters serve source and target positions. Children: {@code attention},
 * {@code ffn}, and {@code attentionNorm}, {@code ffnNorm} (standard) or parameters {@code attentionAlpha},
 * {@code ffnAlpha} (ngpt/nugpt). Thread-safe once initialized.
 */
final class TransformerLayer extends ResidualLayer {
    private final Attention attention;
    private final Sublayer attentionResidual;
    private final FeedForward ffn;
    private final Sublayer ffnResidual;

    TransformerLayer(ModelConfig c, AttentionSpec spec) {
        super(c);
        attention = addChildBlock("attention", attention(spec, false));
        attentionResidual = sublayer("attention");
        ffn = addChildBlock("ffn", new FeedForward(c, scales));
        ffnResidual = sublayer("ffn");
    }

    Attention attention() {
        return attention;
    }

    /**
     * The layer over whole sequences x (B, n, d) with an additive mask; when {@code fill} is non-null the
     * layer's keys/values become that cache's shared segment (encoding for decoding); when {@code probe} is
     * non-null it records the states {@code input}, {@code attention}, {@code ffn} and the attention (diagnostics).
     */
    NDArray forward(ParameterStore ps, NDArray x, NDArray mask, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                    AttentionCache fill, boolean training, Probe.Layer probe) {
        NDArray h = attentionResidual.apply(ps, x, training,
                in -> attention.forward(ps, in, null, mask, rope, angles, fill, training, Probe.attention(probe, "attention")));
        NDArray out = ffnResidual.apply(ps, h, training, in -> ffn.apply(ps, in, training));
        if (probe != null) {
            probe.state("input", x);
            probe.state("attention", h);
            probe.state("ffn", out);
        }
        return out;
    }

    /** One decoding step for x (N, 1, d) over the layer's cache. */
    NDArray step(ParameterStore ps, NDArray x, AttentionCache cache, NDArray sharedMask, RotaryEmbedding rope,
                 RotaryEmbedding.Angles angles, int beam) {
        NDArray h = attentionResidual.apply(ps, x, false,
                in -> attention.step(ps, in, cache, sharedMask, rope, angles, beam));
        return ffnResidual.apply(ps, h, false, in -> ffn.apply(ps, in, false));
    }

    /** Parameters of one such layer. */
    static long parameters(ModelConfig c, AttentionSpec spec) {
        return attentionParameters(c, spec) + FeedForward.parameters(c) + residualParameters(c, 2);
    }
}
