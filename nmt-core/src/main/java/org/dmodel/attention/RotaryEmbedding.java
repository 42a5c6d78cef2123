package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import org.dmodel.engine.TorchArrays;

/**
 * Rotary position embedding (RoPE, rotate-half pairing: feature i is paired with i + d_h/2, frequencies
 * 10000^(−2i/d_h)). The cos/sin tables are built once for {@code maxPositions} positions; a batch looks
 * its positions up once ({@link #angles}) and every layer reuses them.
 *
 * <p>{@code rope(x) = x ⊙ COS + (x P) ⊙ SIN}, where P swaps the two halves and SIN carries the sign of the
 * rotation: four ops per application. It acts on the last axis only, so rotating TPA's B factors equals
 * rotating the materialized queries and keys (papers.md §2.1, Thm 3.1). The tables belong to the manager
 * given at construction; read-only afterwards, so thread-safe.
 */
public final class RotaryEmbedding implements AutoCloseable {
    private final NDArray cos;  // (maxPositions, d_h)
    private final NDArray sin;  // (maxPositions, d_h), first half negated
    private final NDArray swap; // (d_h, d_h) permutation: (x P)[i] = x[(i + d_h/2) mod d_h]

    /** Per-batch rotation angles, shape (B, n, 1, d_h), broadcast over heads or factor ranks. */
    public record Angles(NDArray cos, NDArray sin) {}

    /** Builds the tables in {@code manager}. */
    public RotaryEmbedding(NDManager manager, int headDim, int maxPositions) {
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even head dimension, got " + headDim);
        }
        int half = headDim / 2;
        float[] c = new float[maxPositions * headDim];
        float[] s = new float[maxPositions * headDim];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * Math.pow(10000.0, -2.0 * i / headDim);
                c[p * headDim + i] = (float) Math.cos(angle);
                c[p * headDim + i + half] = (float) Math.cos(angle);
                s[p * headDim + i] = (float) -Math.sin(angle);
                s[p * headDim + i + half] = (float) Math.sin(angle);
            }
        }
        float[] perm = new float[headDim * headDim];
        for (int i = 0; i < half; i++) {
            perm[(i + half) * headDim + i] = 1f;
            perm[i * headDim + i + half] = 1f;
        }
        cos = TorchArrays.of(manager, c, new Shape(maxPositions, headDim));
        sin = TorchArrays.of(manager, s, new Shape(maxPositions, headDim));
        swap = TorchArrays.of(manager, perm, new Shape(headDim, headDim));
    }

    /**
     * Looks up the angles of integer positions {@code positions} (B, n), each below {@code maxPositions}
     * (the caller checks, it knows them in Java); the result belongs to the manager of {@code positions}.
     */
    public Angles angles(NDArray positions) {
        NDArray c = Embedding.embedding(positions, cos, SparseFormat.DENSE).singletonOrThrow().expandDims(-2);
        NDArray s = Embedding.embedding(positions, sin, SparseFormat.DENSE).singletonOrThrow().expandDims(-2);
        return new Angles(c, s); // (B, n, 1, d_h)
    }

    /** Rotates {@code x} (B, n, r, d_h) by the angles (B, n, 1, d_h); the result belongs to x's manager. */
    public NDArray apply(NDArray x, Angles angles) {
        return x.mul(angles.cos()).add(x.matMul(swap).mul(angles.sin()));
    }

    @Override
    public void close() {
        cos.close();
        sin.close();
        swap.close();
    }
}
