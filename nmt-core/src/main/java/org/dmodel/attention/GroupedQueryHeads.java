package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.dmodel.config.AttentionSpec;

/**
 * Multi-head attention with {@code kvHeads} = G key/value heads, each shared by h/G consecutive query heads
 * (papers.md §2.1); G = h is standard multi-head attention, G = 1 multi-query attention. Caches the source
 * (shared) segment as Kᵀ (·, G, d_h, S), ready for the score product, and the growing target segment as K
 * (·, G, t, d_h), transposed by a view at each step: appending a position along Kᵀ's last axis rewrites every
 * row of the cache (7.9× the time of appending along K's third axis at 320 rows and 5 positions; BENCHMARKS.md
 * "Growing keys"). V (·, G, t, d_h) either way: 2·G·d_h elements per position. A normalized module normalizes keys
 * once, before caching. Thread-safe.
 */
final class GroupedQueryHeads extends HeadLayout {
    private final AttentionSpec spec;
    private final int kvHeads;
    private final float scale;

    /** A layout for {@code spec}, reported as given (MHA, or GQA/MQA with {@code kvHeads}). */
    GroupedQueryHeads(AttentionSpec spec, int heads, int headDim, int kvHeads, QueryKeyNorm norm) {
        super(heads, headDim, norm);
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("kvHeads=" + kvHeads + " does not divide heads=" + heads);
        }
        this.spec = spec;
        this.kvHeads = kvHeads;
        this.scale = (float) (1 / Math.sqrt(headDim));
    }

    @Override
    AttentionSpec spec() {
        return spec;
    }

    @Override
    long[] queryRows() {
        return new long[] {(long) heads * headDim};
    }

    @Override
    long[] keyValueRows() {
        return new long[] {(long) kvHeads * headDim, (long) kvHeads * headDim};
    }

    @Override
    NDArray queries(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                    boolean training) {
        return headQueries(ps, part, rope, angles, scale, training).transpose(0, 2, 1, 3); // (B, h, n, d_h)
    }

    @Override
    NDArray[] cacheTensors(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                           boolean training) {
        NDArray[] kv = keysAndValues(ps, part, rope, angles, training);
        return new NDArray[] {kv[0].transpose(0, 2, 3, 1), kv[1].transpose(0, 2, 1, 3)}; // Kᵀ (B, G, d_h, n), V (B, G, n, d_h)
    }

    /** The growing segment's layout: K (B, G, 1, d_h), V (B, G, 1, d_h). */
    @Override
    NDArray[] stepTensors(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles) {
        NDArray[] kv = keysAndValues(ps, part, rope, angles, false);
        return new NDArray[] {kv[0].transpose(0, 2, 1, 3), kv[1].transpose(0, 2, 1, 3)};
    }

    /** Rotated (and normalized) keys and the values, each (B, n, G, d_h), from the key/value part (B, n, 2·G·d_h). */
    private NDArray[] keysAndValues(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                                   boolean training) {
        long b = part.getShape().get(0);
        long n = part.getShape().get(1);
        NDList kv = part.reshape(b, n, 2L * kvHeads, headDim).split(2, 2); // 2 × (B, n, G, d_h)
        NDArray k = angles != null ? rope.apply(kv.get(0), angles) : kv.get(0);
        if (norm != null) {
            k = norm.keys(ps, k, training);
        }
        return new NDArray[] {k, kv.get(1)};
    }

    @Override
    KeyValueSegment growingSegment(ParameterStore ps, NDArray[] cached, NDManager owner) {
        NDArray keys = ownedBy(owner, cached[0].transpose(0, 1, 3, 2)); // Kᵀ (N, G, d_h, t), a view
        return new MaterializedSegment(keys, cached[1]);
    }

    @Override
    KeyValueSegment segment(ParameterStore ps, NDArray[] tensors, NDManager owner, boolean training) {
        return new MaterializedSegment(tensors[0], tensors[1]); // made as Kᵀ and V: nothing to compute
    }

    @Override
    int[] cacheTimeAxes() {
        return new int[] {2, 2};
    }
}
