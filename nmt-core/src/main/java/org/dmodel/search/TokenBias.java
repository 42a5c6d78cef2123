package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.dmodel.text.SpecialIds;

/**
 * The per-token adjustments that hold at every step: pad and BOS are never chosen (−∞; fairseq forbids pad, and
 * BOS only ever starts a sequence) and the unknown piece loses {@code --unk-penalty}. Only those three columns are
 * read and written (three calls over rows × 3 values, instead of a pass over the whole (rows, V) array, which at
 * batch 64 × beam 5 is most of what search costs per step). Not thread-safe.
 */
final class TokenBias implements LogitsProcessor {
    private final NDIndex columns; // pad, bos, unk
    private final NDArray bias; // (1, 3)

    /**
     * @param manager owns the bias row; close it after the search
     * @throws IllegalArgumentException if a special id is not below {@code vocabSize}
     */
    TokenBias(SpecialIds ids, double unkPenalty, VocabularySubset vocabulary, NDManager manager) {
        int largest = Math.max(Math.max(ids.pad(), ids.unk()), Math.max(ids.bos(), ids.eos()));
        if (largest >= vocabulary.vocabSize()) {
            throw new IllegalArgumentException("special ids " + ids + " do not fit the model's vocabulary of "
                    + vocabulary.vocabSize() + " tokens. Pass the model's own special ids in the search options.");
        }
        // a shortlist always keeps the special ids (Shortlist)
        columns = new NDIndex(":, {}", manager.create(new long[] {vocabulary.column(ids.pad()),
                vocabulary.column(ids.bos()), vocabulary.column(ids.unk())}));
        bias = manager.create(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, (float) -unkPenalty},
                new Shape(1, 3));
    }

    @Override
    public NDArray apply(NDArray logProbs, DecodingStep step) {
        logProbs.set(columns, logProbs.get(columns).addi(bias)); // (rows, 3), in the step's manager
        return logProbs; // (rows, V)
    }
}
