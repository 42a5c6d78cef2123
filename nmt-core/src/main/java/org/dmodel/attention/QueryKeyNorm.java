package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import org.dmodel.engine.TorchArrays;

/**
 * The query/key normalization of a normalized (nGPT, papers.md §3.1) attention: queries and keys normalized per
 * head and multiplied by learned scaling vectors {@code queryNorm} (h·d_h) and {@code keyNorm} (key heads·d_h),
 * with score scale √d_h instead of 1/√d_h, folded into the queries. nGPT shares one s_qk between queries and keys;
 * separate vectors let GQA/MQA/TPA have fewer key heads than query heads [I]. Cross-attention is normalized the
 * same way (our extension: nGPT has no encoder). The attention registers both vectors under those names.
 * Thread-safe once initialized.
 */
final class QueryKeyNorm {
    private final int heads;
    private final int headDim;
    private final ScaleVector queryNorm;
    private final ScaleVector keyNorm;
    private final float scoreScale;

    QueryKeyNorm(int heads, int keyHeads, int headDim, ScaleVector.Init init) {
        this.heads = heads;
        this.headDim = headDim;
        this.queryNorm = new ScaleVector("queryNorm", heads * headDim, init);
        this.keyNorm = new ScaleVector("keyNorm", keyHeads * headDim, init);
        this.scoreScale = (float) Math.sqrt(headDim);
    }

    ScaleVector queryVector() {
        return queryNorm;
    }

    ScaleVector keyVector() {
        return keyNorm;
    }

    /** {@code s_q ⊙ Norm(q) · √d_h} per head, q (…, h, d_h) after RoPE (TPA: materialized), in q's manager. */
    NDArray queries(ParameterStore ps, NDArray q, boolean training) {
        NDArray s = TorchArrays.mul(queryNorm.value(ps, q, training), scoreScale).reshape(heads, headDim); // (h, d_h)
        return UnitNormWeights.normalize(q).mul(s);
    }

    /** {@code s_k ⊙ Norm(k)} per head, k (…, G, d_h) after RoPE (TPA: materialized), in k's manager. */
    NDArray keys(ParameterStore ps, NDArray k, boolean training) {
        NDArray s = keyNorm.value(ps, k, training).reshape(-1, headDim); // (G, d_h)
        return UnitNormWeights.normalize(k).mul(s);
    }
}
