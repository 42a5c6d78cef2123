package org.dmodel.search;

import ai.djl.ndarray.NDArray;

/**
 * Forbids every token that would complete an n-gram the hypothesis already contains (fairseq's
 * {@code --no-repeat-ngram-size}): with prefix p of length L, each earlier occurrence of the last n−1 tokens
 * p[L−n+1..L−1] at p[i..i+n−2] bans p[i+n−1]. n = 1 bans every token already produced. O(L·n) per row in
 * Java, one native call for all the bans of a step. Not thread-safe.
 */
final class NoRepeatNgram implements LogitsProcessor {
    private final int n;

    NoRepeatNgram(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n-gram size must be at least 1, got " + n);
        }
        this.n = n;
    }

    @Override
    public NDArray apply(NDArray logProbs, DecodingStep step) {
        if (step.position() < n) {
            return logProbs; // no n-gram can have occurred yet
        }
        TokenPairs banned = new TokenPairs();
        int rows = (int) logProbs.getShape().get(0);
        for (int r = 0; r < rows; r++) {
            int[] p = step.prefix(r);
            int context = p.length - (n - 1); // start of the last n−1 tokens
            for (int i = 0; i + n - 1 < p.length; i++) {
                int column = sameTokens(p, i, context, n - 1) ? step.column(p[i + n - 1]) : -1;
                if (column >= 0) {
                    banned.add(r, column);
                }
            }
        }
        if (!banned.isEmpty()) {
            logProbs.set(banned.index(step.manager()), Float.NEGATIVE_INFINITY);
        }
        return logProbs;
    }

    private static boolean sameTokens(int[] p, int a, int b, int length) {
        for (int j = 0; j < length; j++) {
            if (p[a + j] != p[b + j]) {
                return false;
            }
        }
        return true;
    }
}
