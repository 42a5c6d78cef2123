package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dmodel.engine.TorchArrays;

/**
 * Additive attention masks (0 = visible, {@link #BLOCKED} = hidden), built once per batch in Java and
 * copied into libtorch's memory ({@link TorchArrays}); every layer reuses them. Results belong to the given manager. Stateless.
 */
public final class Masks {
    /** Added to the score of a hidden key; exp underflows to exactly 0 after the softmax's max shift. */
    public static final float BLOCKED = -1e9f;

    private Masks() {}

    /** Hides padded keys: (B, 1, 1, width), key j of sentence b visible iff j &lt; lengths[b]. */
    public static NDArray keyPadding(NDManager manager, int[] lengths, int width) {
        float[] m = new float[lengths.length * width];
        for (int b = 0; b < lengths.length; b++) {
            for (int j = lengths[b]; j < width; j++) {
                m[b * width + j] = BLOCKED;
            }
        }
        return TorchArrays.of(manager, m, new Shape(lengths.length, 1, 1, width));
    }

    /** Hides future keys: (1, 1, T, T), key j visible to query i iff j ≤ i. */
    public static NDArray causal(NDManager manager, int t) {
        float[] m = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i * t + j] = BLOCKED;
            }
        }
        return TorchArrays.of(manager, m, new Shape(1, 1, t, t));
    }

    /**
     * The LWC prefix mask over [source (S, padded) ; target (T)] (papers.md §1), (B, 1, S+T, S+T): a key is
     * visible iff it is not source padding and either both query and key are source positions, or the query
     * is a target position and the key is a source position or an earlier-or-equal target position.
     */
    public static NDArray prefix(NDManager manager, int[] sourceLengths, int s, int t) {
        int n = s + t;
        float[] m = new float[sourceLengths.length * n * n];
        for (int b = 0; b < sourceLengths.length; b++) {
            int base = b * n * n;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    boolean visible = j < s ? j < sourceLengths[b] : i >= s && j <= i;
                    if (!visible) {
                        m[base + i * n + j] = BLOCKED;
                    }
                }
            }
        }
        return TorchArrays.of(manager, m, new Shape(sourceLengths.length, 1, n, n));
    }
}
