package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.norm.Dropout;

/**
 * The attention kernel shared by every variant (x-transformers' {@code Attend}): masked softmax of scaled scores
 * and the weighted sum of values, over up to two {@link KeyValueSegment}s: a per-sentence one shared by the
 * {@code beam} hypothesis rows of each sentence, and a per-row one. When both are present one softmax runs over
 * [shared ; rows] (LWC's mixed attention) without copying the shared part per hypothesis; a lone segment attends
 * in its own layout. How scores and outputs come from the cached tensors (materialized K/V, or TPA's factors) is
 * the segment's business. Results belong to the queries' manager. Stateless.
 */
public final class Attend {
    private Attend() {}

    /**
     * Attends queries over keys and values.
     *
     * @param q queries (N, h, m, d_h), already multiplied by the score scale
     * @param shared the per-sentence segment (B sentences, N = B·beam), or null
     * @param sharedMask additive mask broadcastable to (B, 1, 1, S) (source padding), or null
     * @param rows the per-row segment (N rows), or null
     * @param rowMask additive mask broadcastable to (N, 1, m, t) (causal, prefix, padding), or null
     * @param beam hypotheses per sentence k = N / B (1 outside beam search)
     * @param dropout attention-weight dropout rate, applied only when training
     * @return (N, h, m, d_h)
     */
    static NDArray attend(NDArray q, KeyValueSegment shared, NDArray sharedMask, KeyValueSegment rows,
                          NDArray rowMask, int beam, float dropout, boolean training) {
        if (shared == null) {
            return rows.attend(q, rowMask, 1, dropout, training);
        }
        if (rows == null) {
            return shared.attend(q, sharedMask, beam, dropout, training);
        }
        NDArray sharedScores = shared.scores(q, sharedMask, beam); // (N, h, m, S)
        long s = sharedScores.getShape().get(3);
        NDArray w = weights(sharedScores.concat(rows.scores(q, rowMask, 1), 3), dropout, training); // (N, h, m, S + t)
        NDList parts = w.split(new long[] {s}, 3);
        return shared.output(parts.get(0), beam).add(rows.output(parts.get(1), 1));
    }

    /**
     * The attention probabilities (N, h, m, t) of queries over per-row keys alone, exactly as {@link #attend}
     * weighs them when there is no shared segment (no dropout); for diagnostics. Belongs to the queries' manager.
     *
     * @param q queries (N, h, m, d_h), already multiplied by the score scale
     * @param rowKeys Kᵀ (N, G, d_h, t)
     * @param rowMask additive mask broadcastable to (N, 1, m, t), or null
     */
    public static NDArray probabilities(NDArray q, NDArray rowKeys, NDArray rowMask) {
        return new MaterializedSegment(rowKeys, null).scores(q, rowMask, 1).softmax(-1);
    }

    /** Softmax over the last axis, then attention-weight dropout when training. */
    static NDArray weights(NDArray scores, float dropout, boolean training) {
        NDArray w = scores.softmax(-1);
        return training && dropout > 0 ? Dropout.dropout(w, dropout, true).singletonOrThrow() : w;
    }
}
