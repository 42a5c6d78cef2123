package org.dmodel.text;

/**
 * Turns text into vocabulary ids and back.
 *
 * <p>{@link #encode} adds no special ids: the data pipeline and the model decide where BOS and EOS go.
 * Implementations are immutable and safe to share between threads once built.
 */
public interface Tokenizer extends AutoCloseable {
    /** Encodes one line of text (an empty line gives an empty array). */
    int[] encode(String text);

    /**
     * Decodes ids into detokenized text, skipping pad, bos and eos.
     *
     * @throws IllegalArgumentException if an id is outside {@code [0, vocabSize())}
     */
    String decode(int[] ids);

    /** The piece behind an id, validated against the vocabulary size. */
    String piece(int id);

    /** Number of ids in the vocabulary. */
    int vocabSize();

    /** Pad, unk, bos and eos ids. */
    SpecialIds specialIds();

    @Override
    void close();
}
