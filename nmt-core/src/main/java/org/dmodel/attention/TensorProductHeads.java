package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.dmodel.config.AttentionSpec;
import org.dmodel.engine.TorchArrays;

/**
 * Tensor-product attention (Zhang et al. 2025, papers.md §2.1): per position, K = (1/R_K) A_Kᵀ B_K and
 * V = (1/R_V) A_Vᵀ B_V with head factors A (h, R) and feature factors B (R, d_h), all produced by one fused
 * projection; queries are factorized the same way (rank R_Q) or, in the K/V-only variant, come from an
 * ordinary projection (the attention's fused projection makes them all in one matmul). RoPE rotates the B factors
 * of queries and keys, so the cached B_K is final.
 *
 * <p>Caches the factors A_K, B_K, A_V, B_V: (R_K + R_V)(h + d_h) elements per position. Decoding attends on
 * the cached factors without materializing keys and values ({@link FactoredSegment}, which also fixes the cache
 * layout); whole sequences (training, encoding) materialize K and V with one small batched matmul each
 * (A (h, R) × B (R, d_h) per position) and attend as in MHA, where the larger matmuls beat the factor path. The
 * 1/R_Q and 1/R_K factors are folded into the query scale, 1/R_V into the output. Normalized (nGPT): the
 * materialized queries and keys are normalized per head (the 1/R_Q and 1/R_K factors then drop out); a key's
 * normalization needs the key itself, so a normalized module caches the factors as A_K (·, t, h, R_K),
 * B_K (·, t, R_K, d_h), A_V, B_V and materializes them at every decoding step. Thread-safe.
 */
final class TensorProductHeads extends HeadLayout {
    private final AttentionSpec.Tpa spec;
    private final float queryScale;

    /** A layout for {@code spec}; {@code norm} null for a standard module. */
    TensorProductHeads(AttentionSpec.Tpa spec, int heads, int headDim, QueryKeyNorm norm) {
        super(heads, headDim, norm);
        this.spec = spec;
        this.queryScale = norm != null ? 1f : (float) (1 / (Math.sqrt(headDim) * spec.rankK() * Math.max(1, spec.rankQ())));
    }

    @Override
    long[] queryRows() {
        return spec.queryFactorized()
                ? new long[] {(long) spec.rankQ() * heads, (long) spec.rankQ() * headDim}
                : new long[] {(long) heads * headDim};
    }

    @Override
    long[] keyValueRows() {
        return new long[] {(long) spec.rankK() * heads, (long) spec.rankK() * headDim,
                (long) spec.rankV() * heads, (long) spec.rankV() * headDim};
    }

    @Override
    AttentionSpec spec() {
        return spec;
    }

    @Override
    NDArray queries(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                              boolean training) {
        if (!spec.queryFactorized()) {
            return headQueries(ps, part, rope, angles, queryScale, training).transpose(0, 2, 1, 3); // (B, h, n, d_h)
        }
        long b = part.getShape().get(0);
        long n = part.getShape().get(1);
        NDList f = part.split(new long[] {(long) spec.rankQ() * heads}, 2);
        NDArray a = f.get(0).reshape(b, n, heads, spec.rankQ()); // (B, n, h, R_Q)
        if (norm == null) {
            a = TorchArrays.mul(a, queryScale);
        }
        NDArray bq = factor(f.get(1), b, n, spec.rankQ(), rope, angles); // (B, n, R_Q, d_h)
        NDArray q = a.matMul(bq);                                        // (B, n, h, d_h)
        if (norm != null) {
            q = norm.queries(ps, q, training); // the materialized queries, per head
        }
        return q.transpose(0, 2, 1, 3); // (B, h, n, d_h)
    }

    @Override
    NDArray[] cacheTensors(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                           boolean training) {
        long b = part.getShape().get(0);
        long n = part.getShape().get(1);
        int rk = spec.rankK();
        int rv = spec.rankV();
        NDList f = splitFactors(part);
        return new NDArray[] {
                f.get(0).reshape(b, n, heads, rk),       // A_K (B, n, h, R_K)
                factor(f.get(1), b, n, rk, rope, angles), // B_K (B, n, R_K, d_h), rotated
                f.get(2).reshape(b, n, heads, rv),       // A_V (B, n, h, R_V)
                f.get(3).reshape(b, n, rv, headDim)};    // B_V (B, n, R_V, d_h)
    }

    /** The key/value part (B, n, ·) split into A_K, B_K, A_V, B_V, each still flat over its last axis. */
    private NDList splitFactors(NDArray part) {
        int rk = spec.rankK();
        int rv = spec.rankV();
        return part.split(new long[] {(long) rk * heads, (long) rk * (heads + headDim),
                (long) rk * (heads + headDim) + (long) rv * heads}, 2);
    }

    private NDArray factor(NDArray part, long b, long n, int rank, RotaryEmbedding rope, RotaryEmbedding.Angles angles) {
        NDArray f = part.reshape(b, n, rank, headDim); // (B, n, R, d_h)
        return angles != null ? rope.apply(f, angles) : f;
    }

    @Override
    KeyValueSegment segment(ParameterStore ps, NDArray[] c, NDManager owner, boolean training) {
        NDArray k = ownedBy(owner, c[0].matMul(c[1])); // (·, t, h, d_h); later ops follow their first operand
        if (norm != null) {
            k = norm.keys(ps, k, training);
        }
        NDArray keys = k.transpose(0, 2, 3, 1);                                     // Kᵀ (·, h, d_h, t)
        NDArray values = ownedBy(owner, c[2].matMul(c[3])).transpose(0, 2, 1, 3); // (·, t, h, d_h) → V (·, h, t, d_h)
        return new MaterializedSegment(keys, values);
    }

    /** {@link FactoredSegment}'s layout for a standard module; a normalized one keeps the factors as made. */
    @Override
    NDArray[] cacheLayout(NDArray[] c) {
        if (norm != null) {
            return c;
        }
        long b = c[0].getShape().get(0);
        long n = c[0].getShape().get(1);
        return new NDArray[] {
                headWeights(c[0], b, n),                                    // A_K (B, 1, h, 1, n, R_K)
                c[1].reshape(b, n * spec.rankK(), headDim).transpose(0, 2, 1), // B_Kᵀ (B, d_h, n·R_K)
                headWeights(c[2], b, n),                                    // A_V (B, 1, h, 1, n, R_V)
                c[3].reshape(b, n * spec.rankV(), headDim)};                // B_V (B, n·R_V, d_h)
    }

    /** A (B, n, h, R) → (B, 1, h, 1, n, R). */
    private NDArray headWeights(NDArray a, long b, long n) {
        return a.transpose(0, 2, 1, 3).reshape(b, 1, heads, 1, n, a.getShape().get(3));
    }

    /** A decoding step's single position goes straight from the projection to the cache layout (fewer calls). */
    @Override
    NDArray[] stepTensors(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles) {
        if (norm != null) {
            return super.stepTensors(ps, part, rope, angles);
        }
        long b = part.getShape().get(0);
        int rk = spec.rankK();
        int rv = spec.rankV();
        NDList f = splitFactors(part); // each (B, 1, ·)
        NDArray keyBasis = angles != null ? factor(f.get(1), b, 1, rk, rope, angles) : f.get(1);
        return new NDArray[] {
                f.get(0).reshape(b, 1, heads, 1, 1, rk),                   // A_K (B, 1, h, 1, 1, R_K)
                keyBasis.reshape(b, rk, headDim),                          // B_K (B, R_K, d_h), rotated
                f.get(2).reshape(b, 1, heads, 1, 1, rv),                   // A_V (B, 1, h, 1, 1, R_V)
                f.get(3).reshape(b, rv, headDim)};                         // B_V (B, R_V, d_h)
    }

    /**
     * The growing segment keeps B_K position-major (N, t·R_K, d_h), like B_V: a step appends along its middle axis
     * instead of rewriting every row of B_Kᵀ's last axis, and attends through a transposed view.
     */
    @Override
    KeyValueSegment growingSegment(ParameterStore ps, NDArray[] cached, NDManager owner) {
        if (norm != null) {
            return segment(ps, cached, owner, false);
        }
        return new FactoredSegment(cached[0], ownedBy(owner, cached[1].transpose(0, 2, 1)), cached[2], cached[3]);
    }

    @Override
    KeyValueSegment cachedSegment(ParameterStore ps, NDArray[] cached, NDManager owner) {
        return norm != null ? segment(ps, cached, owner, false)
                : new FactoredSegment(cached[0], cached[1], cached[2], cached[3]);
    }

    @Override
    int[] cacheTimeAxes() {
        return norm != null ? new int[] {1, 1, 1, 1} : new int[] {4, 1, 4, 1};
    }

    @Override
    float outputScale() {
        return 1f / spec.rankV();
    }

    /** K = (1/R) Aᵀ B per position, materialized: A (…, h, R), B (…, R, d_h) → (…, h, d_h). For tests and tools. */
    static NDArray materialize(NDArray a, NDArray b) {
        return TorchArrays.div(a.matMul(b), a.getShape().get(a.getShape().dimension() - 1));
    }
}
