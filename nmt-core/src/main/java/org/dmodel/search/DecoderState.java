package org.dmodel.search;

/**
 * Everything a batch being decoded keeps between steps (per-layer attention caches, source masks,
 * positions). The only decoding object a {@link SearchStrategy} holds.
 *
 * <p>Rows: the state holds {@code liveSentences() * beamSize()} hypothesis rows, sentence-major
 * (row {@code s * k + j} is hypothesis j of live sentence s). Per-sentence data (the source side) is
 * stored once per sentence and never copied per hypothesis.
 *
 * <p>Owns its NDArrays through its own NDManager; {@link #close()} frees them. Not thread-safe.
 */
public interface DecoderState extends AutoCloseable {
    /** Hypothesis rows per sentence (1 for greedy search; the number of samples for sampling). */
    int beamSize();

    /** Sentences still being decoded. */
    int liveSentences();

    /** Target positions decoded so far (the number of {@link StepModel#step} calls). */
    int length();

    /**
     * Reorders the hypotheses: new row {@code r} continues old row {@code origins[r]}. Every origin stays
     * within its own sentence ({@code origins[r] / beamSize() == r / beamSize()}); only per-hypothesis
     * data moves.
     */
    void reorder(int[] origins);

    /**
     * Keeps only the given live sentences (indices into the current live list, increasing) and drops the
     * rest, with all their hypothesis rows. Compute shrinks as sentences finish.
     */
    void keep(int[] sentences);

    /** Bytes held by the decoding caches now (source and target parts). */
    long cacheBytes();

    @Override
    void close();
}
