package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * The attention kernel shared by every variant: masked softmax of scaled scores and the weighted sum of
 * values (x-transformers' {@code Attend}), with query heads grouped over fewer key/value heads (GQA) by a
 * reshape instead of copying K/V.
 *
 * <p>Keys come in up to two segments: per-sentence keys (B, G, d_h, S) shared by the {@code beam} hypothesis
 * rows of each sentence, and per-row keys (N, G, d_h, t), N = B·k. When both are present one softmax runs
 * over [shared ; rows] (LWC's mixed attention), without copying the shared part per hypothesis: the queries
 * of a sentence's k rows are viewed as (B, h, k·m, d_h) against the sentence's keys. Keys are stored
 * transposed (Kᵀ) so that no transpose is needed per call. Results belong to the queries' manager. Stateless.
 */
public final class Attend {
    private Attend() {}

    /**
     * Attends queries over keys and values.
     *
     * @param q queries (N, h, m, d_h), already multiplied by the score scale
     * @param sharedKeys Kᵀ (B, G, d_h, S) per sentence, or null
     * @param sharedValues V (B, G, S, d_h), or null
     * @param sharedMask additive mask broadcastable to (B, 1, 1, S) (source padding), or null
     * @param rowKeys Kᵀ (N, G, d_h, t) per row, or null
     * @param rowValues V (N, G, t, d_h), or null
     * @param rowMask additive mask broadcastable to (N, 1, m, t) (causal, prefix, padding), or null
     * @param beam hypotheses per sentence k = N / B (1 outside beam search)
     * @param dropout attention-weight dropout rate, applied only when training
     * @return (N, h, m, d_h)
     */
    public static NDArray attend(NDArray q, NDArray sharedKeys, NDArray sharedValues, NDArray sharedMask,
                                 NDArray rowKeys, NDArray rowValues, NDArray rowMask, int beam, float dropout,
                                 boolean training) {
        long n = q.getShape().get(0);
        long h = q.getShape().get(1);
        long m = q.getShape().get(2);
        long dh = q.getShape().get(3);
        long b = n / beam;
        NDArray sharedScores = null;
        if (sharedKeys != null) {
            long g = sharedKeys.getShape().get(1);
            NDArray qs = beam == 1 ? q : q.reshape(b, beam, h, m, dh).transpose(0, 2, 1, 3, 4); // (B, h, k, m, d_h)
            sharedScores = qs.reshape(b, g, -1, dh).matMul(sharedKeys).reshape(b, h, beam * m, -1); // (B, h, k·m, S)
            if (sharedMask != null) {
                sharedScores = sharedScores.add(sharedMask);
            }
        }
        NDArray rowScores = rowKeys == null ? null : rowScores(q, rowKeys, rowMask); // (N, h, m, t)
        if (sharedScores == null) {
            NDArray w = weights(rowScores, dropout, training); // (N, h, m, t)
            return rowOutput(w, rowValues, n, h, m, dh);
        }
        if (rowScores == null) {
            NDArray w = weights(sharedScores, dropout, training); // (B, h, k·m, S)
            return sharedOutput(w, sharedValues, beam, b, h, m, dh);
        }
        long s = sharedScores.getShape().get(3);
        NDArray rowsBySentence = beam == 1 ? rowScores.reshape(b, h, m, -1)
                : rowScores.reshape(b, beam, h, m, -1).transpose(0, 2, 1, 3, 4).reshape(b, h, beam * m, -1);
        NDArray w = weights(sharedScores.concat(rowsBySentence, 3), dropout, training); // (B, h, k·m, S + t)
        NDList parts = w.split(new long[] {s}, 3);
        NDArray rowWeights = beam == 1 ? parts.get(1).reshape(n, h, m, -1)
                : parts.get(1).reshape(b, h, beam, m, -1).transpose(0, 2, 1, 3, 4).reshape(n, h, m, -1); // (N, h, m, t)
        return sharedOutput(parts.get(0), sharedValues, beam, b, h, m, dh)
                .add(rowOutput(rowWeights, rowValues, n, h, m, dh));
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
        return rowScores(q, rowKeys, rowMask).softmax(-1);
    }

    /** Masked scores (N, h, m, t) of queries (N, h, m, d_h) against Kᵀ (N, G, d_h, t). */
    private static NDArray rowScores(NDArray q, NDArray rowKeys, NDArray rowMask) {
        Shape s = q.getShape();
        long g = rowKeys.getShape().get(1);
        NDArray scores = q.reshape(s.get(0), g, -1, s.get(3)).matMul(rowKeys).reshape(s.get(0), s.get(1), s.get(2), -1);
        return rowMask == null ? scores : scores.add(rowMask);
    }

    private static NDArray weights(NDArray scores, float dropout, boolean training) {
        NDArray w = scores.softmax(-1);
        return training && dropout > 0 ? Dropout.dropout(w, dropout, true).singletonOrThrow() : w;
    }

    /** (B, h, k·m, S) weights × V (B, G, S, d_h) → (N, h, m, d_h). */
    private static NDArray sharedOutput(NDArray w, NDArray values, int beam, long b, long h, long m, long dh) {
        long g = values.getShape().get(1);
        NDArray o = w.reshape(b, g, -1, w.getShape().get(3)).matMul(values); // (B, G, (h/G)·k·m, d_h)
        return beam == 1 ? o.reshape(b, h, m, dh)
                : o.reshape(b, h, beam, m, dh).transpose(0, 2, 1, 3, 4).reshape(b * beam, h, m, dh);
    }

    /** (N, h, m, t) weights × V (N, G, t, d_h) → (N, h, m, d_h). */
    private static NDArray rowOutput(NDArray w, NDArray values, long n, long h, long m, long dh) {
        long g = values.getShape().get(1);
        return w.reshape(n, g, -1, w.getShape().get(3)).matMul(values).reshape(n, h, m, dh);
    }
}
