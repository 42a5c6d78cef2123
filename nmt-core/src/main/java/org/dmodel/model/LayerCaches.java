package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dmodel.attention.AttentionCache;
import org.dmodel.engine.Int8ParameterStore;
import org.dmodel.engine.Int8Weights;
import org.dmodel.engine.TorchArrays;
import org.dmodel.search.DecoderState;

/**
 * The decoding state of one batch: one {@link AttentionCache} per attention module (LWC: one per layer, with
 * the source as shared segment; enc-dec: self-attention caches, then cross-attention caches), the source
 * padding mask and the sources' lengths, each stored once per sentence.
 *
 * <p>Rows are sentence-major ({@code s * beam + j}). {@link #reorder} moves only the growing (target) segments;
 * {@link #keep} drops finished sentences from both segments and from the per-sentence data. Owns its arrays
 * through its own manager (a child of the one given to {@code encode}); also holds the inference
 * {@link ParameterStore} of this state, so states of different threads share no mutable object. Not thread-safe.
 */
public final class LayerCaches implements DecoderState {
    private final NDManager manager;
    private final ParameterStore parameters;
    private final List<AttentionCache> caches = new ArrayList<>();
    private final int beam;
    private int[] sourceLengths;
    private NDArray sourceMask;
    private Embeddings.OutputRows outputRows; // a shortlist's output rows, or null for the whole vocabulary
    private NDArray outputMask;               // (B, 1, V'): −∞ where a sentence's shortlist lacks the column; or null
    private int length;

    /** A state of {@code beam} rows per sentence; with {@code int8} not null, its products run in int8. */
    LayerCaches(NDManager parent, int beam, int[] sourceLengths, Int8Weights int8) {
        if (beam < 1) {
            throw new IllegalArgumentException("beam size must be at least 1, got " + beam);
        }
        this.manager = parent.newSubManager();
        this.parameters = int8 == null ? new ParameterStore(manager, false) : new Int8ParameterStore(manager, int8);
        this.beam = beam;
        this.sourceLengths = sourceLengths.clone();
    }

    NDManager manager() {
        return manager;
    }

    ParameterStore parameters() {
        return parameters;
    }

    /** Adds a cache and returns it; the model adds them in a fixed order and reads them back by index. */
    AttentionCache add(AttentionCache cache) {
        caches.add(cache);
        return cache;
    }

    AttentionCache cache(int i) {
        return caches.get(i);
    }

    /** The caches, in the model's order (read-only). */
    public List<AttentionCache> caches() {
        return Collections.unmodifiableList(caches);
    }

    void setSourceMask(NDArray mask) {
        sourceMask = mask;
    }

    /** Additive source-padding mask (B, 1, 1, S), owned by the state. */
    NDArray sourceMask() {
        return sourceMask;
    }

    /** Restricts the output to a shortlist: its rows and per-sentence mask (or null), owned by the state. */
    void setOutput(Embeddings.OutputRows rows, NDArray mask) {
        outputRows = rows;
        outputMask = mask;
    }

    /** The shortlist's output rows, or null for the whole vocabulary. */
    Embeddings.OutputRows outputRows() {
        return outputRows;
    }

    /** Additive (B, 1, V') mask of the shortlist's columns per live sentence, or null. */
    NDArray outputMask() {
        return outputMask;
    }

    /** Real source lengths (with EOS) of the live sentences. */
    int[] sourceLengths() {
        return sourceLengths;
    }

    void advance() {
        length++;
    }

    @Override
    public int beamSize() {
        return beam;
    }

    @Override
    public int liveSentences() {
        return sourceLengths.length;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public void reorder(int[] origins) {
        int rows = liveSentences() * beam;
        if (origins.length != rows) {
            throw new IllegalArgumentException("reorder: " + origins.length + " origins for " + rows + " rows");
        }
        boolean identity = true;
        long[] index = new long[rows];
        for (int r = 0; r < rows; r++) {
            if (origins[r] / beam != r / beam) {
                throw new IllegalArgumentException("reorder: row " + r + " cannot continue row " + origins[r]
                        + " of another sentence");
            }
            identity &= origins[r] == r;
            index[r] = origins[r];
        }
        if (identity || length == 0) {
            return;
        }
        try (NDArray rowIndex = manager.create(index)) {
            for (AttentionCache c : caches) {
                c.reorder(rowIndex);
            }
        }
    }

    @Override
    public void keep(int[] sentences) {
        int live = liveSentences();
        long[] sentenceIndex = new long[sentences.length];
        long[] rowIndex = new long[sentences.length * beam];
        int[] lengths = new int[sentences.length];
        for (int i = 0; i < sentences.length; i++) {
            int s = sentences[i];
            if (s < 0 || s >= live || (i > 0 && s <= sentences[i - 1])) {
                throw new IllegalArgumentException("keep: sentence indices must be increasing and below " + live
                        + ", got " + java.util.Arrays.toString(sentences));
            }
            sentenceIndex[i] = s;
            lengths[i] = sourceLengths[s];
            for (int j = 0; j < beam; j++) {
                rowIndex[i * beam + j] = (long) s * beam + j;
            }
        }
        if (sentences.length == live) {
            return;
        }
        try (NDArray bySentence = manager.create(sentenceIndex); NDArray byRow = manager.create(rowIndex)) {
            for (AttentionCache c : caches) {
                c.keep(bySentence, byRow);
            }
            sourceMask = replaced(sourceMask, TorchArrays.rows(sourceMask, bySentence));
            if (outputMask != null) {
                outputMask = replaced(outputMask, TorchArrays.rows(outputMask, bySentence));
            }
        }
        sourceLengths = lengths;
    }

    private static NDArray replaced(NDArray old, NDArray next) {
        old.close();
        return next;
    }

    @Override
    public long cacheBytes() {
        long n = 0;
        for (AttentionCache c : caches) {
            n += c.bytes();
        }
        return n;
    }

    @Override
    public void close() {
        try (Embeddings.OutputRows rows = outputRows) {
            manager.close();
        }
    }
}
