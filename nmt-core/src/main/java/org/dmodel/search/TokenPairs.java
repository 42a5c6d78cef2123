package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;

/**
 * A list of (row, token) cells of a step's (rows, V) log-probabilities, collected in Java and addressed on the
 * device with one advanced index, so that a processor touching a few cells per row costs a constant number of
 * native calls. Not thread-safe.
 */
final class TokenPairs {
    private long[] rows = new long[16];
    private long[] tokens = new long[16];
    private int size;

    void add(int row, int token) {
        if (size == rows.length) {
            rows = Arrays.copyOf(rows, 2 * size);
            tokens = Arrays.copyOf(tokens, 2 * size);
        }
        rows[size] = row;
        tokens[size] = token;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The index of the collected cells, its arrays in {@code manager}. */
    NDIndex index(NDManager manager) {
        NDArray r = manager.create(Arrays.copyOf(rows, size));
        NDArray t = manager.create(Arrays.copyOf(tokens, size));
        return new NDIndex("{}, {}", r, t);
    }
}
