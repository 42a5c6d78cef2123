package org.dmodel.io;

import ai.djl.Model;
import org.dmodel.config.ModelConfig;
import org.dmodel.model.Models;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.text.Vocabularies;

/**
 * A model read by {@link ModelDirectory#load}: its config, the DJL model holding the initialized block, and the
 * tokenizers. Closing frees the parameters and the tokenizers. Immutable; the block is safe for concurrent
 * decoding (see {@link Seq2SeqModel}).
 */
public record LoadedModel(ModelConfig config, Model model, Vocabularies vocabularies) implements AutoCloseable {
    /** The translation block. */
    public Seq2SeqModel block() {
        return Models.block(model);
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            vocabularies.close();
        }
    }
}
