package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dmodel.engine.Engines;

/**
 * The bookkeeping every strategy shares for one search call: the decoder state, the logits processors, which
 * sentences are still live and how long each may grow, the finished hypotheses, and the back-pointer
 * {@link History}. Rows follow {@link DecoderState}: row {@code s * beamSize + j} is hypothesis j of live
 * sentence s. Autograd is off in the calling thread from open to close (a decode records no graph, whatever thread
 * it runs in). Not thread-safe; use and close it in the thread that opened it; closing it closes the state and
 * every array the search made.
 */
final class DecodingBatch implements AutoCloseable {
    private final StepModel model;
    private final Engines.GradientsOff gradientsOff;
    private final NDManager searchManager;
    private final DecoderState state;
    private final LogitsProcessor processors;
    private final LengthPenalty penalty;
    private final History history = new History();
    private final int beamSize;
    private final VocabularySubset vocabulary;
    private final List<List<Hypothesis>> finished;
    private int[] live; // original index of each live sentence
    private int[] maxLengths; // per live sentence
    private int position;

    private DecodingBatch(StepModel model, int[][] sources, SearchOptions options, int beamSize,
            NDManager manager) {
        this.model = model;
        this.beamSize = beamSize;
        this.vocabulary = options.vocabulary(sources, model.vocabSize());
        this.penalty = new LengthPenalty(options.lenpen());
        this.maxLengths = maxLengths(sources, options, model);
        this.live = new int[sources.length];
        this.finished = new ArrayList<>(sources.length);
        for (int s = 0; s < sources.length; s++) {
            live[s] = s;
            finished.add(new ArrayList<>(beamSize));
        }
        this.gradientsOff = Engines.gradientsOff();
        this.searchManager = manager.newSubManager();
        try {
            this.processors = LogitsProcessor.standard(options, vocabulary, searchManager);
            this.state = model.encode(sources, beamSize, vocabulary, searchManager);
        } catch (RuntimeException e) {
            searchManager.close();
            gradientsOff.close();
            throw e;
        }
    }

    /**
     * Encodes {@code sources} with {@code beamSize} rows per sentence.
     *
     * @param manager parent of the batch's own manager, which holds the state and the processors' masks
     * @throws IllegalArgumentException if a source is empty or a sentence's maximum length is below
     *     {@code --min-len}
     */
    static DecodingBatch open(StepModel model, int[][] sources, SearchOptions options, int beamSize,
            NDManager manager) {
        return new DecodingBatch(model, sources, options, beamSize, manager);
    }

    /**
     * Each sentence's maximum output length: the options' {@code ⌊a·n + b⌋}, capped at what the model's positions
     * allow. fairseq computes one per batch from the padded source width; this uses each sentence's own length so
     * that a sentence decodes the same in any batch.
     */
    static int[] maxLengths(int[][] sources, SearchOptions options, StepModel model) {
        int[] limits = new int[sources.length];
        for (int s = 0; s < sources.length; s++) {
            int n = sources[s].length;
            if (n == 0) {
                throw new IllegalArgumentException("source " + s + " is empty; every source ends with EOS");
            }
            int asked = options.maxLength(n);
            int possible = model.maxOutputLength(n);
            limits[s] = Math.min(asked, possible);
            if (limits[s] < options.minLen()) {
                String why = possible < asked
                        ? "the " + possible + " output tokens the model's positions allow after it. Lower --min-len."
                        : "the maximum length " + asked + " = --max-len-a " + options.maxLenA() + " × " + n
                                + " + --max-len-b " + options.maxLenB()
                                + ". Lower --min-len or raise --max-len-a/--max-len-b.";
                throw new IllegalArgumentException("source " + s + " (" + n + " tokens): --min-len " + options.minLen()
                        + " exceeds " + why);
            }
        }
        return limits;
    }

    /** Rows per live sentence. */
    int beamSize() {
        return beamSize;
    }

    /** V, the width of the log-probabilities: the vocabulary, or the batch's shortlist. */
    int vocabSize() {
        return vocabulary.size();
    }

    /** The token id of a column of the log-probabilities. */
    int token(int column) {
        return vocabulary.token(column);
    }

    /** Tokens every live row has produced so far. */
    int position() {
        return position;
    }

    /** Sentences still being decoded. */
    int liveSentences() {
        return live.length;
    }

    /** The input index of live sentence {@code s}. */
    int original(int s) {
        return live[s];
    }

    /** The most tokens before EOS for live sentence {@code s}. */
    int maxLength(int s) {
        return maxLengths[s];
    }

    /** Hypotheses finished so far for live sentence {@code s}. */
    int finishedCount(int s) {
        return finished.get(live[s]).size();
    }

    /**
     * Runs the model for one step and the processors on its output.
     *
     * @param lastTokens one token per row (BOS at the first step)
     * @return (rows, V) float32 adjusted log-probabilities owned by {@code stepManager}, one column per token of the
     *     batch's vocabulary ({@link #token})
     */
    NDArray logProbs(int[] lastTokens, NDManager stepManager) {
        NDArray raw = model.step(state, lastTokens, stepManager); // (rows, V)
        Shape expected = new Shape((long) live.length * beamSize, vocabulary.size());
        if (!raw.getShape().equals(expected) || raw.getDataType() != DataType.FLOAT32) {
            throw new IllegalStateException("model step returned " + raw.getDataType() + " " + raw.getShape()
                    + ", expected float32 " + expected);
        }
        return processors.apply(raw, new DecodingStep(position, beamSize, maxLengths, history::prefix, vocabulary,
                stepManager));
    }

    /**
     * Finishes a hypothesis of live sentence {@code s}: the prefix in row {@code row} (numbered as in the step
     * just run) followed by EOS, with cumulative log-probability {@code eosScore}.
     */
    void finish(int s, int row, double eosScore) {
        finished.get(live[s]).add(history.finish(row, eosScore, penalty));
    }

    /**
     * Ends the current step.
     *
     * @param kept live sentences that go on (increasing indices into the current live list)
     * @param keptCount how many entries of {@code kept} are used
     * @param tokens per row of the kept sentences, the token it just took
     * @param parents per row of the kept sentences, the row it continues, numbered as in the step just run
     * @param scores per row of the kept sentences, its cumulative log-probability
     */
    void advance(int[] kept, int keptCount, int[] tokens, int[] parents, double[] scores) {
        history.append(tokens, parents, scores);
        position++;
        if (keptCount < live.length) {
            int[] sentences = Arrays.copyOf(kept, keptCount);
            int[] nextLive = new int[keptCount];
            int[] nextLimits = new int[keptCount];
            for (int i = 0; i < keptCount; i++) {
                nextLive[i] = live[sentences[i]];
                nextLimits[i] = maxLengths[sentences[i]];
            }
            live = nextLive;
            maxLengths = nextLimits;
            if (keptCount == 0) {
                return;
            }
            state.keep(sentences);
        }
        int[] origins = new int[keptCount * beamSize];
        boolean identity = true;
        for (int r = 0; r < origins.length; r++) {
            // parents are numbered before keep(); only the beam within the sentence carries over
            origins[r] = r - r % beamSize + parents[r] % beamSize;
            identity &= origins[r] == r;
        }
        if (!identity) {
            state.reorder(origins);
        }
    }

    /** Each input sentence's finished hypotheses, in input order, best first, at most {@code nbest} each. */
    List<List<Hypothesis>> results(int nbest) {
        List<List<Hypothesis>> out = new ArrayList<>(finished.size());
        for (List<Hypothesis> hypotheses : finished) {
            hypotheses.sort((a, b) -> Double.compare(b.score(), a.score()));
            out.add(List.copyOf(hypotheses.subList(0, Math.min(nbest, hypotheses.size()))));
        }
        return out;
    }

    /**
     * Copies small per-row results to Java in one transfer: the arrays, each (rows, c_i), are cast to float64
     * and concatenated along axis 1, so row r of the result holds all of them side by side.
     */
    static double[] fetch(NDArray... columns) {
        NDList doubles = new NDList(columns.length);
        for (NDArray column : columns) {
            doubles.add(column.toType(DataType.FLOAT64, false)); // (rows, c_i)
        }
        return NDArrays.concat(doubles, 1).toDoubleArray(); // (rows, Σ c_i)
    }

    @Override
    public void close() {
        try {
            state.close();
        } finally {
            searchManager.close();
            gradientsOff.close();
        }
    }
}
