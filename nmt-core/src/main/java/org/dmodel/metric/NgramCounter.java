package org.dmodel.metric;

import java.util.Arrays;

/**
 * Counts n-grams of int symbols (word ids or code points) for one segment and matches a hypothesis against
 * references without building strings: an open-addressing table keyed by a 64-bit hash of the n-gram,
 * with every hit checked against the symbols themselves, so collisions never merge different n-grams.
 *
 * <p>Usage per segment: {@link #reset} with the symbol buffer, then for each n-gram {@link #lookup} its slot
 * and count it with {@link #countHypothesis} or {@link #countReference} (references numbered 0, 1, ...).
 * Not thread-safe: one instance per working thread, reused across segments.
 */
final class NgramCounter {
    private static final long SEED = 0x9E3779B97F4A7C15L;

    private int[] symbols = new int[0];
    private long[] hashes = new long[256];
    private int[] starts = new int[256];
    private int[] orders = new int[256]; // 0 = empty slot
    private int[] hypCount = new int[256];
    private int[] refCount = new int[256]; // count in the reference being added
    private int[] refStamp = new int[256]; // which reference refCount belongs to
    private int[] refMax = new int[256]; // max count over the references added so far
    private int[] used = new int[128];
    private int usedSize;

    /** Empties the table and points it at a new symbol buffer (hypothesis and references together). */
    void reset(int[] symbolBuffer) {
        for (int k = 0; k < usedSize; k++) {
            orders[used[k]] = 0;
        }
        usedSize = 0;
        symbols = symbolBuffer;
    }

    /** The hash of one more symbol appended to an n-gram whose hash is {@code h}; start from {@link #start}. */
    static long extend(long h, int symbol) {
        long x = (h ^ symbol) * 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 29);
    }

    /** The hash of the empty n-gram. */
    static long start() {
        return SEED;
    }

    /** The slot of an n-gram ({@code order} symbols at {@code from}, hash {@code h}), added if new. */
    int lookup(int from, int order, long h) {
        return find(from, order, h);
    }

    /** Counts one hypothesis occurrence; returns the hypothesis count so far, this one included. */
    int countHypothesis(int slot) {
        return ++hypCount[slot];
    }

    /**
     * Counts one occurrence in reference {@code ref}; references must come in increasing order.
     *
     * @return the count in this reference so far, this one included
     */
    int countReference(int ref, int slot) {
        int c = refStamp[slot] == ref ? refCount[slot] + 1 : 1;
        refStamp[slot] = ref;
        refCount[slot] = c;
        if (c > refMax[slot]) {
            refMax[slot] = c;
        }
        return c;
    }

    /** The n-gram's count in the hypothesis. */
    int hypothesisCount(int slot) {
        return hypCount[slot];
    }

    /** The n-gram's largest count in any reference added so far. */
    int referenceMax(int slot) {
        return refMax[slot];
    }

    private int find(int from, int order, long h) {
        if (usedSize * 2 >= orders.length) {
            grow();
        }
        int mask = orders.length - 1;
        int slot = (int) (h ^ (h >>> 32)) & mask;
        while (true) {
            int o = orders[slot];
            if (o == 0) {
                hashes[slot] = h;
                starts[slot] = from;
                orders[slot] = order;
                hypCount[slot] = 0;
                refCount[slot] = 0;
                refStamp[slot] = -1;
                refMax[slot] = 0;
                if (usedSize == used.length) {
                    used = Arrays.copyOf(used, usedSize * 2);
                }
                used[usedSize++] = slot;
                return slot;
            }
            if (o == order && hashes[slot] == h && sameSymbols(starts[slot], from, order)) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
    }

    private boolean sameSymbols(int a, int b, int n) {
        for (int i = 0; i < n; i++) {
            if (symbols[a + i] != symbols[b + i]) {
                return false;
            }
        }
        return true;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldStarts = starts;
        int[] oldOrders = orders;
        int[] oldHyp = hypCount;
        int[] oldRef = refCount;
        int[] oldStamp = refStamp;
        int[] oldMax = refMax;
        int[] oldUsed = Arrays.copyOf(used, usedSize);
        int cap = orders.length * 2;
        hashes = new long[cap];
        starts = new int[cap];
        orders = new int[cap];
        hypCount = new int[cap];
        refCount = new int[cap];
        refStamp = new int[cap];
        refMax = new int[cap];
        used = new int[cap / 2 + 1];
        usedSize = 0;
        int mask = cap - 1;
        for (int old : oldUsed) {
            long h = oldHashes[old];
            int slot = (int) (h ^ (h >>> 32)) & mask;
            while (orders[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            hashes[slot] = h;
            starts[slot] = oldStarts[old];
            orders[slot] = oldOrders[old];
            hypCount[slot] = oldHyp[old];
            refCount[slot] = oldRef[old];
            refStamp[slot] = oldStamp[old];
            refMax[slot] = oldMax[old];
            used[usedSize++] = slot;
        }
    }
}
