package org.dmodel.model;

import org.dmodel.attention.ScaleVector;
import org.dmodel.config.ModelConfig;

/**
 * The init/scale pairs of the normalized Transformer's scaling vectors (papers.md §3.1 table), and νGPT's
 * changes to them (§3.2): α init 0.05·m_depth^(−1); s_scale 0.03 for α, s_qk and s_z (instead of 1/√d); s_z init
 * m_width^(1/2). With ngpt (or nugpt at m = 1 except for the 0.03 scales) the nGPT values. Immutable.
 *
 * @param alpha α_A, α_M: the step size of each sublayer's update on the sphere (d)
 * @param queryKey s_q, s_k: the per-head query and key scales (h·d_h, key heads·d_h)
 * @param feedForward s_u, s_ν: the FFN's two input scales (ffnDim each)
 * @param logits s_z: the per-token logit scale (V)
 */
record NormalizedScales(ScaleVector.Init alpha, ScaleVector.Init queryKey, ScaleVector.Init feedForward,
                        ScaleVector.Init logits) {
    /** νGPT's constant s_scale for α, s_qk and s_z (papers.md §3.2). */
    static final double NUGPT_SCALE = 0.03;
    /** nGPT's initial α (papers.md §3.1). */
    static final double ALPHA_INIT = 0.05;

    /** The values for a normalized config; null for a standard one. */
    static NormalizedScales of(ModelConfig c) {
        if (!c.parameterization().normalized()) {
            return null;
        }
        boolean nu = c.parameterization() == ModelConfig.Parameterization.NUGPT;
        double scale = nu ? NUGPT_SCALE : 1 / Math.sqrt(c.dModel());
        double alphaInit = nu ? ALPHA_INIT / c.depthMultiplier() : ALPHA_INIT;
        double logitInit = nu ? Math.sqrt(c.widthMultiplier()) : 1.0;
        return new NormalizedScales(new ScaleVector.Init(alphaInit, scale), new ScaleVector.Init(1.0, scale),
                new ScaleVector.Init(1.0, 1.0), new ScaleVector.Init(logitInit, scale));
    }
}
