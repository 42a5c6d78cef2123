package org.dmodel.attention;

import ai.djl.ndarray.NDArray;

/**
 * Keys and values stored as they are used: Kᵀ (R, G, d_h, T) and V (R, G, T, d_h) for R rows and G key/value
 * heads, each shared by h/G consecutive query heads (GQA) through a reshape instead of a copy. For a
 * per-sentence segment the queries of a sentence's {@code group} rows are viewed as (B, h, group·m, d_h)
 * against the sentence's keys ("sentence layout").
 *
 * @param keys Kᵀ (R, G, d_h, T)
 * @param values V (R, G, T, d_h)
 */
record MaterializedSegment(NDArray keys, NDArray values) implements KeyValueSegment {

    @Override
    public NDArray scores(NDArray q, NDArray mask, int group) {
        NDArray s = sentenceScores(q, mask, group); // (R, h, group·m, T)
        if (group == 1) {
            return s;
        }
        long[] d = q.getShape().getShape();
        return s.reshape(-1, d[1], group, d[2], s.getShape().get(3)).transpose(0, 2, 1, 3, 4)
                .reshape(d[0], d[1], d[2], -1); // (N, h, m, T)
    }

    @Override
    public NDArray output(NDArray weights, int group) {
        long[] d = weights.getShape().getShape(); // (N, h, m, T)
        NDArray w = group == 1 ? weights
                : weights.reshape(-1, group, d[1], d[2], d[3]).transpose(0, 2, 1, 3, 4)
                        .reshape(-1, d[1], group * d[2], d[3]); // (R, h, group·m, T)
        return rowsOutput(w, group, d[0], d[1], d[2]);
    }

    @Override
    public NDArray attend(NDArray q, NDArray mask, int group, float dropout, boolean training) {
        long[] d = q.getShape().getShape();
        NDArray w = Attend.weights(sentenceScores(q, mask, group), dropout, training); // (R, h, group·m, T)
        return rowsOutput(w, group, d[0], d[1], d[2]);
    }

    /** Masked scores in sentence layout (R, h, group·m, T). */
    private NDArray sentenceScores(NDArray q, NDArray mask, int group) {
        long[] d = q.getShape().getShape(); // (N, h, m, d_h)
        long r = d[0] / group;
        long g = keys.getShape().get(1);
        NDArray s;
        if (group == 1 && g == d[1]) {
            s = q.matMul(keys); // MHA, one row per segment row: no view to make
        } else {
            NDArray qs = group == 1 ? q
                    : q.reshape(r, group, d[1], d[2], d[3]).transpose(0, 2, 1, 3, 4); // (R, h, group, m, d_h)
            s = qs.reshape(r, g, -1, d[3]).matMul(keys).reshape(r, d[1], group * d[2], -1); // (R, h, group·m, T)
        }
        return mask == null ? s : s.add(mask);
    }

    /** Weights in sentence layout (R, h, group·m, T) × V → (N, h, m, d_h). */
    private NDArray rowsOutput(NDArray w, int group, long n, long h, long m) {
        long r = n / group;
        long g = values.getShape().get(1);
        if (group == 1 && g == h) {
            return w.matMul(values); // (N, h, m, d_h)
        }
        long dh = values.getShape().get(3);
        NDArray o = w.reshape(r, g, -1, w.getShape().get(3)).matMul(values); // (R, G, (h/G)·group·m, d_h)
        return group == 1 ? o.reshape(n, h, m, dh)
                : o.reshape(r, h, group, m, dh).transpose(0, 2, 1, 3, 4).reshape(n, h, m, dh);
    }
}
