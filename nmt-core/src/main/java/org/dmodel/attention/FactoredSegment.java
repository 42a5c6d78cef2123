package org.dmodel.attention;

import ai.djl.ndarray.NDArray;

/**
 * TPA's keys and values kept as their factors (papers.md §2.3) and attended without materializing per-head K and
 * V. With K_t[h] = Σ_r A_K[t,h,r] B_K[t,r] (the 1/R_K is in the query scale):
 * score[h,t] = Σ_r A_K[t,h,r] (q_h · B_K[t,r]), one batched matmul of the queries with all T·R_K rows of B_K and
 * a weighted sum over r; and o_h = Σ_{t,r} (w[h,t] A_V[t,h,r]) B_V[t,r], one matmul of the A_V-weighted
 * attention weights with the T·R_V rows of B_V (the 1/R_V is the module's output factor). Per step this reads
 * the cache once and makes (h·m)×T·R intermediates instead of T×h×d_h keys and values.
 *
 * <p>Layout (R rows, T positions), chosen so that a step needs no copy of the cache: A_K, A_V (R, 1, h, 1, T, r)
 * broadcast over the group and the queries of a row; B_Kᵀ (R, d_h, T·r_K) and B_V (R, T·r_V, d_h), position-major.
 *
 * @param keyWeights A_K (R, 1, h, 1, T, r_K)
 * @param keyBasisT B_Kᵀ (R, d_h, T·r_K), B_K already rotated
 * @param valueWeights A_V (R, 1, h, 1, T, r_V)
 * @param valueBasis B_V (R, T·r_V, d_h)
 */
record FactoredSegment(NDArray keyWeights, NDArray keyBasisT, NDArray valueWeights, NDArray valueBasis)
        implements KeyValueSegment {

    @Override
    public NDArray scores(NDArray q, NDArray mask, int group) {
        long[] d = q.getShape().getShape(); // (N, h, m, d_h)
        return sentenceScores(q, mask, group).reshape(d[0], d[1], d[2], -1); // (N, h, m, T)
    }

    @Override
    public NDArray output(NDArray weights, int group) {
        long[] d = weights.getShape().getShape(); // (N, h, m, T)
        return output(weights, group, d[0], d[1], d[2]);
    }

    @Override
    public NDArray attend(NDArray q, NDArray mask, int group, float dropout, boolean training) {
        long[] d = q.getShape().getShape();
        NDArray w = Attend.weights(sentenceScores(q, mask, group), dropout, training); // (R, group·h, m, T)
        return output(w, group, d[0], d[1], d[2]);
    }

    /** Weights (N, h, m, T) or, the same order, (R, group·h, m, T) → outputs (N, h, m, d_h). */
    private NDArray output(NDArray weights, int group, long n, long h, long m) {
        long r = n / group;
        NDArray w = weights.reshape(r, group, h, m, -1, 1).mul(valueWeights); // (R, group, h, m, T, r_V)
        NDArray o = w.reshape(r, group * h * m, -1).matMul(valueBasis);      // (R, group·h·m, d_h)
        return o.reshape(n, h, m, -1);
    }

    /** Masked scores (R, group·h, m, T): the layout a per-row mask (R, 1, m, T) broadcasts over. */
    private NDArray sentenceScores(NDArray q, NDArray mask, int group) {
        long[] d = q.getShape().getShape(); // (N, h, m, d_h)
        long r = d[0] / group;
        long rank = keyWeights.getShape().get(5);
        NDArray s = q.reshape(r, group * d[1] * d[2], d[3]).matMul(keyBasisT)         // (R, group·h·m, T·r_K)
                .reshape(r, group, d[1], d[2], -1, rank).mul(keyWeights).sum(new int[] {5}); // (R, group, h, m, T)
        s = s.reshape(r, group * d[1], d[2], -1);
        return mask == null ? s : s.add(mask);
    }
}
