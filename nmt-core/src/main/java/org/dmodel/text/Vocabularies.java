package org.dmodel.text;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The source and target tokenizers of a translation direction: one joint model, or two separate ones.
 *
 * <p>Closing closes each distinct tokenizer once.
 */
public record Vocabularies(Tokenizer source, Tokenizer target) implements AutoCloseable {
    /** True when source and target share one model (required for tied embeddings). */
    public boolean joint() {
        return source == target;
    }

    /** Loads one joint SentencePiece model. */
    public static Vocabularies joint(Path model) throws IOException {
        Tokenizer t = SentencePieceTokenizer.load(model);
        return new Vocabularies(t, t);
    }

    /** Loads separate source and target SentencePiece models. */
    public static Vocabularies separate(Path sourceModel, Path targetModel) throws IOException {
        Tokenizer s = SentencePieceTokenizer.load(sourceModel);
        try {
            return new Vocabularies(s, SentencePieceTokenizer.load(targetModel));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        source.close();
        if (!joint()) {
            target.close();
        }
    }
}
