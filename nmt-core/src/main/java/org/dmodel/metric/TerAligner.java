package org.dmodel.metric;

import java.util.Arrays;

/**
 * TER's edit count between two word sequences (words as int ids), following sacreBLEU's re-implementation
 * of Tercom step for step so that the counts agree: greedy block shifts, each round taking the candidate
 * that lowers the edit distance most (ties: longer block, earlier start, earlier target), until no shift
 * helps or 1000 candidates have been tried; then the edit distance of the shifted hypothesis plus one per
 * shift. The edit distance is a Levenshtein distance restricted to a beam of 25 cells around the
 * length-scaled diagonal (wider for very unequal lengths), as in sacreBLEU.
 *
 * <p>Limits (Tercom's and sacreBLEU's): blocks of at most 10 words, moved at most 50 positions.
 * Stateless entry point; each call owns its working memory.
 */
final class TerAligner {
    private static final int MAX_SHIFT_SIZE = 10;
    private static final int MAX_SHIFT_DIST = 50;
    private static final int BEAM_WIDTH = 25;
    private static final int MAX_SHIFT_CANDIDATES = 1000;
    /** Larger than any real distance; only compared, never reached by sums that matter. */
    private static final int INF = 1 << 30;

    private static final byte NOP = 0;
    private static final byte SUB = 1;
    private static final byte INS = 2;
    private static final byte DEL = 3;
    private static final byte UNDEF = 4;

    private TerAligner() {
    }

    /** Edits (shifts included) turning {@code hyp} into {@code ref}; {@code hyp.length} when ref is empty. */
    static long edits(int[] hyp, int[] ref) {
        if (ref.length == 0) {
            return hyp.length;
        }
        EditDistance ed = new EditDistance(ref, hyp.length);
        int[] input = hyp;
        int shifts = 0;
        int checked = 0;
        while (true) {
            ShiftSearch search = new ShiftSearch(input, ref, ed, checked);
            checked = search.checked;
            if (checked >= MAX_SHIFT_CANDIDATES || search.bestDelta <= 0) {
                break;
            }
            shifts++;
            input = search.bestWords;
        }
        return shifts + ed.anchor(input);
    }

    /** One round of shift search over the current hypothesis (sacreBLEU's {@code _shift}). */
    private static final class ShiftSearch {
        int bestDelta;
        int[] bestWords;
        int checked;

        ShiftSearch(int[] h, int[] r, EditDistance ed, int checkedBefore) {
            checked = checkedBefore;
            int preScore = ed.anchor(h);
            byte[] trace = ed.anchorTrace();
            int n = h.length;
            int m = r.length;
            // Read the trace as rewriting the reference into the hypothesis: insertions and deletions swap.
            int[] align = new int[m];
            int[] hypErrPrefix = new int[n + 1];
            int[] refErrPrefix = new int[m + 1];
            int posHyp = -1;
            int posRef = -1;
            for (byte op : trace) {
                if (op == NOP || op == SUB) {
                    int err = op == SUB ? 1 : 0;
                    posHyp++;
                    posRef++;
                    align[posRef] = posHyp;
                    hypErrPrefix[posHyp + 1] = hypErrPrefix[posHyp] + err;
                    refErrPrefix[posRef + 1] = refErrPrefix[posRef] + err;
                } else if (op == DEL) { // flipped: an insertion into the hypothesis side
                    posHyp++;
                    hypErrPrefix[posHyp + 1] = hypErrPrefix[posHyp] + 1;
                } else { // INS flipped: a reference word with no hypothesis word
                    posRef++;
                    align[posRef] = posHyp;
                    refErrPrefix[posRef + 1] = refErrPrefix[posRef] + 1;
                }
            }
            int bestLength = 0;
            int bestStart = 0;
            int bestIdx = 0;
            boolean found = false;
            search:
            for (int startH = 0; startH < n; startH++) {
                for (int startR = 0; startR < m; startR++) {
                    if (Math.abs(startR - startH) > MAX_SHIFT_DIST) {
                        continue;
                    }
                    int length = 0;
                    while (length < MAX_SHIFT_SIZE && h[startH + length] == r[startR + length]) {
                        length++;
                        // a candidate: h[startH, startH+length) equals r[startR, startR+length)
                        boolean tried = false;
                        if (hypErrPrefix[startH + length] - hypErrPrefix[startH] != 0
                                && refErrPrefix[startR + length] - refErrPrefix[startR] != 0
                                && !(startH <= align[startR] && align[startR] < startH + length)) {
                            tried = true;
                            int prevIdx = -1;
                            for (int offset = -1; offset < length; offset++) {
                                int idx = startR + offset == -1 ? 0 : align[startR + offset] + 1;
                                if (idx == prevIdx) {
                                    continue;
                                }
                                prevIdx = idx;
                                int[] shifted = performShift(h, startH, length, idx);
                                int delta = preScore - ed.distance(shifted);
                                checked++;
                                if (!found || delta > bestDelta
                                        || (delta == bestDelta && (length > bestLength
                                        || (length == bestLength && (startH < bestStart
                                        || (startH == bestStart && idx < bestIdx)))))) {
                                    found = true;
                                    bestDelta = delta;
                                    bestLength = length;
                                    bestStart = startH;
                                    bestIdx = idx;
                                    bestWords = shifted;
                                }
                            }
                        }
                        if (tried && checked >= MAX_SHIFT_CANDIDATES) {
                            break search;
                        }
                        if (n == startH + length || m == startR + length) {
                            break;
                        }
                    }
                }
            }
            if (!found) {
                bestDelta = 0;
                bestWords = h;
            }
        }
    }

    /** Moves {@code words[start, start+length)} to before position {@code target} (sacreBLEU's slicing). */
    static int[] performShift(int[] w, int start, int length, int target) {
        int[] out = new int[w.length];
        int k = 0;
        if (target < start) {
            k = copy(w, 0, target, out, k);
            k = copy(w, start, start + length, out, k);
            k = copy(w, target, start, out, k);
            copy(w, start + length, w.length, out, k);
        } else if (target > start + length) {
            k = copy(w, 0, start, out, k);
            k = copy(w, start + length, target, out, k);
            k = copy(w, start, start + length, out, k);
            copy(w, target, w.length, out, k);
        } else {
            k = copy(w, 0, start, out, k);
            k = copy(w, start + length, length + target, out, k);
            k = copy(w, start, start + length, out, k);
            copy(w, length + target, w.length, out, k);
        }
        return out;
    }

    /** Appends {@code w[from, to)} with Python's slice clamping. */
    private static int copy(int[] w, int from, int to, int[] out, int at) {
        int a = Math.min(from, w.length);
        int b = Math.min(to, w.length);
        if (b <= a) {
            return at;
        }
        System.arraycopy(w, a, out, at, b - a);
        return at + b - a;
    }

    /**
     * Beam-restricted Levenshtein distance to a fixed reference for hypotheses of one fixed length, with
     * Tercom's preference among equal costs (match/substitution, then deletion, then insertion). The rows of
     * the last "anchor" hypothesis are kept: a candidate shift shares a prefix with it, and rows over that
     * prefix are the same, so only the rest is computed (sacreBLEU caches rows in a trie for the same reason).
     */
    private static final class EditDistance {
        private final int[] ref;
        private final int n;
        private final int m;
        private final double ratio;
        private final int beam;
        private final int[][] anchorCost;
        private final byte[][] anchorOp;
        private final int[][] scratchCost;
        private final byte[][] scratchOp;
        private int[] anchorWords;
        private int anchorDistance;

        EditDistance(int[] ref, int hypLength) {
            this.ref = ref;
            this.n = hypLength;
            this.m = ref.length;
            this.ratio = n > 0 ? (double) m / n : 1.0;
            this.beam = BEAM_WIDTH < ratio / 2 ? (int) Math.ceil(ratio / 2 + BEAM_WIDTH) : BEAM_WIDTH;
            anchorCost = new int[n + 1][m + 1];
            anchorOp = new byte[n + 1][m + 1];
            scratchCost = new int[n + 1][m + 1];
            scratchOp = new byte[n + 1][m + 1];
            for (int j = 0; j <= m; j++) {
                anchorCost[0][j] = j;
                anchorOp[0][j] = INS;
            }
        }

        /** Makes {@code words} the anchor and returns its distance. */
        int anchor(int[] words) {
            if (anchorWords != null && Arrays.equals(anchorWords, words)) {
                return anchorDistance;
            }
            int p = commonPrefix(words);
            fill(words, p, anchorCost, anchorOp);
            anchorWords = words;
            anchorDistance = anchorCost[n][m];
            return anchorDistance;
        }

        /** The edit operations of the anchor, first to last (hypothesis rows, reference columns). */
        byte[] anchorTrace() {
            byte[] rev = new byte[n + m];
            int len = 0;
            int i = n;
            int j = m;
            while (i > 0 || j > 0) {
                byte op = anchorOp[i][j];
                rev[len++] = op;
                if (op == SUB || op == NOP) {
                    i--;
                    j--;
                } else if (op == INS) {
                    j--;
                } else if (op == DEL) {
                    i--;
                } else {
                    throw new IllegalStateException("TER alignment reached a cell outside the beam at " + i + "," + j);
                }
            }
            byte[] trace = new byte[len];
            for (int k = 0; k < len; k++) {
                trace[k] = rev[len - 1 - k];
            }
            return trace;
        }

        /** The distance of {@code words}, reusing the anchor's rows over the common prefix. */
        int distance(int[] words) {
            int p = commonPrefix(words);
            if (p == n) {
                return anchorDistance;
            }
            int[][] cost = new int[n + 1][];
            byte[][] op = new byte[n + 1][];
            for (int i = 0; i <= n; i++) {
                cost[i] = i <= p ? anchorCost[i] : scratchCost[i];
                op[i] = i <= p ? anchorOp[i] : scratchOp[i];
            }
            fill(words, p, cost, op);
            return cost[n][m];
        }

        private int commonPrefix(int[] words) {
            if (anchorWords == null) {
                return 0;
            }
            int p = 0;
            while (p < n && anchorWords[p] == words[p]) {
                p++;
            }
            return p;
        }

        /** Computes rows p+1..n of the matrix for {@code words} (rows 0..p already hold its prefix). */
        private void fill(int[] words, int p, int[][] cost, byte[][] op) {
            for (int i = p + 1; i <= n; i++) {
                int[] c = cost[i];
                byte[] o = op[i];
                int[] up = cost[i - 1];
                Arrays.fill(c, INF);
                Arrays.fill(o, UNDEF);
                int diag = (int) Math.floor(i * ratio);
                int minJ = Math.max(0, diag - beam);
                int maxJ = i == n ? m + 1 : Math.min(m + 1, diag + beam);
                int word = words[i - 1];
                for (int j = minJ; j < maxJ; j++) {
                    if (j == 0) {
                        c[0] = up[0] + 1;
                        o[0] = DEL;
                        continue;
                    }
                    boolean same = word == ref[j - 1];
                    int sub = up[j - 1] + (same ? 0 : 1);
                    if (c[j] > sub) {
                        c[j] = sub;
                        o[j] = same ? NOP : SUB;
                    }
                    int del = up[j] + 1;
                    if (c[j] > del) {
                        c[j] = del;
                        o[j] = DEL;
                    }
                    int ins = c[j - 1] + 1;
                    if (c[j] > ins) {
                        c[j] = ins;
                        o[j] = INS;
                    }
                }
            }
        }
    }
}
