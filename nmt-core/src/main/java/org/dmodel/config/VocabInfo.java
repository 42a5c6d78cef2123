package org.dmodel.config;

import org.dmodel.text.SpecialIds;
import org.dmodel.text.Tokenizer;

/**
 * The size and special ids of one vocabulary, as a model needs them ({@code "vocab"} and
 * {@code "sourceVocab"} in {@code config.json}). Immutable.
 */
public record VocabInfo(int size, SpecialIds specialIds) {
    public VocabInfo {
        if (specialIds == null) {
            throw new IllegalArgumentException("vocab: special ids are required");
        }
        int maxId = Math.max(Math.max(specialIds.pad(), specialIds.unk()), Math.max(specialIds.bos(), specialIds.eos()));
        if (size <= maxId) {
            throw new IllegalArgumentException("vocab: size=" + size + " must exceed every special id (largest " + maxId + ")");
        }
    }

    /** The vocabulary of a loaded tokenizer. */
    public static VocabInfo of(Tokenizer tokenizer) {
        return new VocabInfo(tokenizer.vocabSize(), tokenizer.specialIds());
    }
}
