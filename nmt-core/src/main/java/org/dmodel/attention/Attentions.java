package org.dmodel.attention;

import org.dmodel.config.AttentionSpec;

/** Builds the attention module of a spec (style.md §2: spec → block). Stateless. */
public final class Attentions {
    private Attentions() {}

    /**
     * A new, uninitialized attention module.
     *
     * @param cross true for an encoder-decoder cross-attention
     * @param zeroOutput zero-initialize the output projection
     * @param qkNorm init/scale of the query/key scaling vectors of a normalized (nGPT) module; null for standard
     * @param gatedOutput PG-OP's per-token head gates before the output projection
     */
    public static Attention create(AttentionSpec spec, int dModel, int heads, int headDim, boolean cross,
                                   float attentionDropout, boolean zeroOutput, ScaleVector.Init qkNorm,
                                   boolean gatedOutput) {
        int kvHeads = spec instanceof AttentionSpec.Gqa g ? g.kvHeads() : heads;
        QueryKeyNorm norm = qkNorm == null ? null : new QueryKeyNorm(heads, kvHeads, headDim, qkNorm);
        HeadLayout layout = spec instanceof AttentionSpec.Tpa t
                ? new TensorProductHeads(t, heads, headDim, norm)
                : new GroupedQueryHeads(spec, heads, headDim, kvHeads, norm);
        return new Attention(dModel, layout, norm, cross, attentionDropout, zeroOutput,
                gatedOutput ? new OutputGate(dModel, heads) : null);
    }

    /** Elements one position adds to the cache of a module with this spec (papers.md §2.2). */
    public static long cacheElementsPerToken(AttentionSpec spec, int heads, int headDim) {
        if (spec instanceof AttentionSpec.Tpa t) {
            return (long) (t.rankK() + t.rankV()) * (heads + headDim);
        }
        int g = spec instanceof AttentionSpec.Gqa q ? q.kvHeads() : heads;
        return 2L * g * headDim;
    }

    /**
     * Parameters of one attention module: weights and biases of its projections, or for a normalized module the
     * bias-free weights and the query/key scaling vectors (h·d_h and key heads·d_h).
     */
    public static long parameters(AttentionSpec spec, int dModel, int heads, int headDim, boolean normalized) {
        long qkv;
        long keyHeads;
        if (spec instanceof AttentionSpec.Tpa t) {
            long q = t.queryFactorized() ? (long) t.rankQ() * (heads + headDim) : (long) heads * headDim;
            qkv = q + (long) (t.rankK() + t.rankV()) * (heads + headDim);
            keyHeads = heads;
        } else {
            int g = spec instanceof AttentionSpec.Gqa q ? q.kvHeads() : heads;
            qkv = (long) (heads + 2 * g) * headDim;
            keyHeads = g;
        }
        long out = (long) heads * headDim;
        long weights = qkv * dModel + out * dModel;
        return normalized ? weights + (heads + keyHeads) * headDim : weights + qkv + dModel;
    }
}
