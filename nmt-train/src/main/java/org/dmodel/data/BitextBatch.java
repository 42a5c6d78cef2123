package org.dmodel.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.dmodel.engine.TorchArrays;
import org.dmodel.text.SpecialIds;

/**
 * One training batch of sentence pairs as padded id matrices, in plain Java arrays (row-major) with a
 * conversion to NDArrays.
 *
 * <p><b>Where the special ids go</b> (defined here, once, for the whole of dmodel training). For a pair
 * with source tokens {@code x1..xm} and target tokens {@code y1..yn}:
 * <pre>
 *   source    = x1 .. xm EOS        (length m + 1)
 *   targetIn  = BOS y1 .. yn        (length n + 1, the decoder input)
 *   targetOut = y1 .. yn EOS        (length n + 1, what the decoder must predict at each position)
 * </pre>
 * Rows are padded on the right with the pad id to the longest row of this batch only: {@code S = max(m) + 1}
 * columns for the source, {@code T = max(n) + 1} for both target matrices.
 *
 * <p>Immutable; the accessors return copies.
 */
public final class BitextBatch {
    /** The three matrices as NDArrays, owned by the manager they were created in. */
    public record Tensors(NDArray source, NDArray targetIn, NDArray targetOut) implements AutoCloseable {
        /** Closes the three arrays. */
        @Override
        public void close() {
            source.close();
            targetIn.close();
            targetOut.close();
        }
    }

    private final int[] indices;
    private final int sourceLength;
    private final int targetLength;
    private final int[] source;
    private final int[] targetIn;
    private final int[] targetOut;
    private final int[] sourceLengths;
    private final int[] targetLengths;
    private final int pad;

    private BitextBatch(int[] indices, int sourceLength, int targetLength, int[] source, int[] targetIn,
            int[] targetOut, int[] sourceLengths, int[] targetLengths, int pad) {
        this.indices = indices;
        this.sourceLength = sourceLength;
        this.targetLength = targetLength;
        this.source = source;
        this.targetIn = targetIn;
        this.targetOut = targetOut;
        this.sourceLengths = sourceLengths;
        this.targetLengths = targetLengths;
        this.pad = pad;
    }

    /**
     * Builds the batch of pairs {@code indices} of {@code data}, row r holding pair {@code indices[r]}.
     *
     * @param ids the special ids of the vocabulary (source and target must agree on them)
     */
    public static BitextBatch collate(BinarizedDataset data, int[] indices, SpecialIds ids) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("a batch needs at least one sentence pair");
        }
        int b = indices.length;
        int[] sourceLengths = new int[b];
        int[] targetLengths = new int[b];
        int sMax = 0;
        int tMax = 0;
        for (int r = 0; r < b; r++) {
            sourceLengths[r] = data.sourceLength(indices[r]) + 1;
            targetLengths[r] = data.targetLength(indices[r]) + 1;
            sMax = Math.max(sMax, sourceLengths[r]);
            tMax = Math.max(tMax, targetLengths[r]);
        }
        int[] source = new int[b * sMax]; // (B, S)
        int[] targetIn = new int[b * tMax]; // (B, T)
        int[] targetOut = new int[b * tMax]; // (B, T)
        Arrays.fill(source, ids.pad());
        Arrays.fill(targetIn, ids.pad());
        Arrays.fill(targetOut, ids.pad());
        for (int r = 0; r < b; r++) {
            int m = data.copySource(indices[r], source, r * sMax);
            source[r * sMax + m] = ids.eos();
            int n = data.copyTarget(indices[r], targetOut, r * tMax);
            targetOut[r * tMax + n] = ids.eos();
            targetIn[r * tMax] = ids.bos();
            System.arraycopy(targetOut, r * tMax, targetIn, r * tMax + 1, n);
        }
        return new BitextBatch(indices.clone(), sMax, tMax, source, targetIn, targetOut, sourceLengths,
                targetLengths, ids.pad());
    }

    /** Number of sentence pairs (rows), B. */
    public int size() {
        return indices.length;
    }

    /** Columns of the source matrix, S: the longest source row, EOS included. */
    public int sourceLength() {
        return sourceLength;
    }

    /** Columns of both target matrices, T: the longest target row, BOS (or EOS) included. */
    public int targetLength() {
        return targetLength;
    }

    /** The dataset indices of the rows. */
    public int[] indices() {
        return indices.clone();
    }

    /** The (B, S) source matrix, row-major. */
    public int[] source() {
        return source.clone();
    }

    /** The (B, T) decoder input matrix, row-major. */
    public int[] targetIn() {
        return targetIn.clone();
    }

    /** The (B, T) decoder output (label) matrix, row-major. */
    public int[] targetOut() {
        return targetOut.clone();
    }

    /** Unpadded length of each source row (EOS included). */
    public int[] sourceLengths() {
        return sourceLengths.clone();
    }

    /** Unpadded length of each target row (BOS, or EOS, included). */
    public int[] targetLengths() {
        return targetLengths.clone();
    }

    /** The pad id filling the rows. */
    public int pad() {
        return pad;
    }

    /** Non-pad entries of {@link #targetOut()}: the number of predicted tokens, the loss normalizer. */
    public int targetTokens() {
        return Arrays.stream(targetLengths).sum();
    }

    /** Non-pad entries of {@link #source()}. */
    public int sourceTokens() {
        return Arrays.stream(sourceLengths).sum();
    }

    /**
     * Creates the three matrices as int32 NDArrays in {@code manager}, which owns them (close it or the
     * returned {@link Tensors}): source (B, S), targetIn (B, T), targetOut (B, T).
     */
    public Tensors toNDArrays(NDManager manager) {
        int b = indices.length;
        NDArray src = TorchArrays.of(manager, source, new Shape(b, sourceLength)); // (B, S)
        NDArray in = TorchArrays.of(manager, targetIn, new Shape(b, targetLength)); // (B, T)
        NDArray out = TorchArrays.of(manager, targetOut, new Shape(b, targetLength)); // (B, T)
        return new Tensors(src, in, out);
    }
}
