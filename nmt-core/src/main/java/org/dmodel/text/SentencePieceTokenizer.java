package org.dmodel.text;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link Tokenizer} over a SentencePiece model, through DJL's binding.
 *
 * <p>The vocabulary size and special ids come from the model file itself ({@link SentencePieceModelFile});
 * every id is range-checked before it reaches native code. Thread-safe: one native processor is shared.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    private final Path file;
    private final SpTokenizer native_;
    private final SpProcessor processor;
    private final List<String> pieces;
    private final SpecialIds specialIds;

    private SentencePieceTokenizer(Path file, byte[] bytes, SentencePieceModelFile table) throws IOException {
        this.file = file;
        this.native_ = new SpTokenizer(bytes);
        this.processor = native_.getProcessor();
        this.pieces = table.pieces();
        this.specialIds = table.specialIds();
    }

    /**
     * Loads a SentencePiece {@code .model} file.
     *
     * @throws IOException when the file is missing, unreadable or not a SentencePiece model (the message names it)
     */
    public static SentencePieceTokenizer load(Path modelFile) throws IOException {
        if (!Files.isRegularFile(modelFile)) {
            throw new IOException(modelFile + ": SentencePiece model not found. Train one with"
                    + " data-scripts/spm-train.sh or pass the path of an existing .model file.");
        }
        byte[] bytes = SentencePieceModelFile.readBytes(modelFile);
        SentencePieceModelFile table = SentencePieceModelFile.read(modelFile, bytes);
        return new SentencePieceTokenizer(modelFile, bytes, table);
    }

    /** The file this tokenizer was loaded from. */
    public Path file() {
        return file;
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        return processor.encode(text);
    }

    @Override
    public String decode(int[] ids) {
        int n = 0;
        int[] kept = new int[ids.length];
        for (int id : ids) {
            checkId(id);
            if (!specialIds.isControl(id)) {
                kept[n++] = id;
            }
        }
        if (n == 0) {
            return "";
        }
        return processor.decode(n == ids.length ? kept : java.util.Arrays.copyOf(kept, n));
    }

    @Override
    public String piece(int id) {
        checkId(id);
        return pieces.get(id);
    }

    @Override
    public int vocabSize() {
        return pieces.size();
    }

    @Override
    public SpecialIds specialIds() {
        return specialIds;
    }

    @Override
    public void close() {
        native_.close();
    }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.size()) {
            throw new IllegalArgumentException("id " + id + " is outside the vocabulary of " + file + " (size "
                    + pieces.size() + ")");
        }
    }
}
