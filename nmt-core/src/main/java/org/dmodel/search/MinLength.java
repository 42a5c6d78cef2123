package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Forbids EOS until {@code --min-len} tokens have been produced (fairseq: EOS is −∞ while
 * {@code step < min_len}, step counting from 0). Not thread-safe.
 */
final class MinLength implements LogitsProcessor {
    private final int minLength;
    private final NDArray noEos; // (1, V): −∞ at EOS, 0 elsewhere

    /** @param manager owns the mask; close it after the search */
    MinLength(int minLength, int eos, int vocabSize, NDManager manager) {
        this.minLength = minLength;
        float[] row = new float[vocabSize];
        row[eos] = Float.NEGATIVE_INFINITY;
        noEos = manager.create(row, new Shape(1, vocabSize)); // (1, V)
    }

    @Override
    public NDArray apply(NDArray logProbs, DecodingStep step) {
        return step.position() < minLength ? logProbs.addi(noEos) : logProbs; // (rows, V)
    }
}
