package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What search needs from a model: encode a batch of sources once, then score one next token per hypothesis
 * per step. Implemented by the translation models; tests use scripted models with known probabilities.
 */
public interface StepModel {
    /**
     * Encodes source sentences and returns a fresh decoding state with {@code beamSize} hypotheses per
     * sentence, all empty.
     *
     * @param sources token ids per sentence, each already ending with EOS; no padding
     * @param manager parent manager; the state creates its own child manager and owns what it allocates
     */
    DecoderState encode(int[][] sources, int beamSize, NDManager manager);

    /**
     * As {@link #encode(int[][], int, NDManager)}, with {@link #step} returning (rows, {@code vocabulary.size()})
     * log-probabilities over {@code vocabulary}'s columns only, each sentence normalized over the tokens the subset
     * allows it. A model that cannot restrict its output supports only the whole vocabulary.
     *
     * @throws UnsupportedOperationException for a subset, when the model has no restricted output
     */
    default DecoderState encode(int[][] sources, int beamSize, VocabularySubset vocabulary, NDManager manager) {
        if (!vocabulary.isAll()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot decode over a shortlist");
        }
        return encode(sources, beamSize, manager);
    }

    /**
     * Feeds one token per hypothesis row (BOS at the first step) and returns the next-token log-probabilities,
     * shape (rows, V), float32. Caches grow inside {@code state}; the returned array and every temporary
     * belong to {@code stepManager}, which the caller closes after the step.
     */
    NDArray step(DecoderState state, int[] lastTokens, NDManager stepManager);

    /** Vocabulary size V of the log-probabilities. */
    int vocabSize();

    /**
     * The most tokens before EOS the model can decode after a source of {@code sourceLength} tokens (EOS included):
     * what its position table allows. Searches never ask for more, whatever the length options say.
     */
    default int maxOutputLength(int sourceLength) {
        return Integer.MAX_VALUE;
    }
}
