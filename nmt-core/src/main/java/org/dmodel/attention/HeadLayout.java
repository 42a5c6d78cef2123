package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.dmodel.config.AttentionSpec;
import org.dmodel.engine.TorchArrays;

/**
 * The part of an {@link Attention} that its spec decides: how the projections' query and key/value parts become
 * per-head queries and cached tensors, and how those tensors are attended ({@link KeyValueSegment}). One
 * implementation per family of papers.md §2: {@link GroupedQueryHeads} (MHA, GQA, MQA) and
 * {@link TensorProductHeads} (TPA). A normalized module's {@link QueryKeyNorm} is applied where the variant has
 * per-head queries and keys. Thread-safe (no mutable state).
 */
abstract class HeadLayout {
    protected final int heads;
    protected final int headDim;
    protected final QueryKeyNorm norm; // null for a standard module

    protected HeadLayout(int heads, int headDim, QueryKeyNorm norm) {
        this.heads = heads;
        this.headDim = headDim;
        this.norm = norm;
    }

    /** The spec this layout implements. */
    abstract AttentionSpec spec();

    /** Row blocks of the query projection (each Xavier-initialized on its own). */
    abstract long[] queryRows();

    /** Row blocks of the key/value projection. */
    abstract long[] keyValueRows();

    /** Queries (B, h, n, d_h) from the query part of the projection, rotated and multiplied by the score scale. */
    abstract NDArray queries(ParameterStore ps, NDArray queryPart, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                             boolean training);

    /** The tensors of n positions (batch axis 0) from the key/value part of the projection. */
    abstract NDArray[] cacheTensors(ParameterStore ps, NDArray keyValuePart, RotaryEmbedding rope,
                                    RotaryEmbedding.Angles angles, boolean training);

    /**
     * The segment to attend over, from the tensors {@link #cacheTensors} made. Whatever this makes (results and
     * temporaries) belongs to {@code owner}.
     */
    abstract KeyValueSegment segment(ParameterStore ps, NDArray[] tensors, NDManager owner, boolean training);

    /**
     * The tensors a decoding cache keeps as its shared (source) segment of {@link #cacheTensors}' output; the
     * identity unless the variant keeps its cache in a layout of its own.
     */
    NDArray[] cacheLayout(NDArray[] tensors) {
        return tensors;
    }

    /**
     * The growing segment's tensors of one new position per row (a decoding step) from the key/value part (N, 1, ·);
     * by default the shared segment's layout. Each result's time axis is the one {@link #cacheTimeAxes} gives.
     */
    NDArray[] stepTensors(ParameterStore ps, NDArray keyValuePart, RotaryEmbedding rope, RotaryEmbedding.Angles angles) {
        return cacheLayout(cacheTensors(ps, keyValuePart, rope, angles, false));
    }

    /**
     * The segment to attend over from a decoding cache's tensors ({@link #cacheLayout}); by default
     * {@link #segment}. Whatever this makes belongs to {@code owner}, not to the cache's manager: a step's
     * temporaries then go with the step instead of piling up in the cache until the whole batch is decoded.
     */
    KeyValueSegment cachedSegment(ParameterStore ps, NDArray[] cached, NDManager owner) {
        return segment(ps, cached, owner, false);
    }

    /**
     * The segment to attend over from a decoding cache's growing tensors ({@link #stepTensors}); by default
     * {@link #cachedSegment}. Whatever this makes belongs to {@code owner}.
     */
    KeyValueSegment growingSegment(ParameterStore ps, NDArray[] cached, NDManager owner) {
        return cachedSegment(ps, cached, owner);
    }

    /** {@code a}, moved to {@code owner} (whatever is computed from it next follows it there). */
    protected static NDArray ownedBy(NDManager owner, NDArray a) {
        a.attach(owner);
        return a;
    }

    /** Time axis of each tensor of a decoding cache's growing segment ({@link #stepTensors}). */
    abstract int[] cacheTimeAxes();

    /** Factor on the attention output before the output projection (TPA: 1/R_V); 1 for none. */
    float outputScale() {
        return 1f;
    }

    /**
     * Per-head queries (B, n, h, d_h) from an unfactorized query part (B, n, h·d_h): rotated, then normalized (nGPT)
     * or multiplied by the score scale {@code scale}. In the part's manager.
     */
    protected NDArray headQueries(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                                  float scale, boolean training) {
        NDArray q = part.reshape(part.getShape().get(0), part.getShape().get(1), heads, headDim); // (B, n, h, d_h)
        if (angles != null) {
            q = rope.apply(q, angles);
        }
        return norm != null ? norm.queries(ps, q, training) : TorchArrays.mul(q, scale);
    }
}
