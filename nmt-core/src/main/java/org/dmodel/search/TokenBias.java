package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dmodel.text.SpecialIds;

/**
 * The per-token adjustments that hold at every step, added in one operation: pad and BOS are never chosen
 * (−∞; fairseq forbids pad, and BOS only ever starts a sequence) and the unknown piece loses
 * {@code --unk-penalty}. Not thread-safe.
 */
final class TokenBias implements LogitsProcessor {
    private final NDArray bias; // (1, V)

    /**
     * @param manager owns the bias row; close it after the search
     * @throws IllegalArgumentException if a special id is not below {@code vocabSize}
     */
    TokenBias(SpecialIds ids, double unkPenalty, int vocabSize, NDManager manager) {
        int largest = Math.max(Math.max(ids.pad(), ids.unk()), Math.max(ids.bos(), ids.eos()));
        if (largest >= vocabSize) {
            throw new IllegalArgumentException("special ids " + ids + " do not fit the model's vocabulary of "
                    + vocabSize + " tokens. Pass the model's own special ids in the search options.");
        }
        float[] row = new float[vocabSize];
        row[ids.unk()] = (float) -unkPenalty;
        row[ids.pad()] = Float.NEGATIVE_INFINITY;
        row[ids.bos()] = Float.NEGATIVE_INFINITY;
        bias = manager.create(row, new Shape(1, vocabSize)); // (1, V)
    }

    @Override
    public NDArray apply(NDArray logProbs, DecodingStep step) {
        return logProbs.addi(bias); // (rows, V)
    }
}
