package org.dmodel.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dmodel.search.DecoderState;
import org.dmodel.search.StepModel;
import org.dmodel.text.SpecialIds;

/**
 * A {@link StepModel} whose next-token distributions are written by hand (fairseq tests search the same way):
 * a {@link Script} maps (source, target prefix) to log-probabilities, so expected search results can be worked
 * out on paper. Its {@link DecoderState} keeps each row's prefix and applies {@code reorder} and {@code keep}
 * exactly as the contract says, and rejects every misuse a real model would silently turn into wrong output
 * (origins that leave their sentence, unsorted {@code keep}, wrong row counts, a first step without BOS, steps
 * on a closed state), so a search bug shows up as a wrong result or an exception.
 *
 * <p>It also records what a test may want to check: rows fed at each step (compute shrinks as sentences
 * finish) and states not yet closed. Not thread-safe.
 *
 * <pre>{@code
 * ScriptedModel model = new ScriptedModel(8, SpecialIds.DEFAULT, new ScriptedModel.Table(8)
 *         .next(new int[] {}, 4, 0.6, 5, 0.4)      // first token: 4 with p 0.6, 5 with p 0.4
 *         .next(new int[] {4}, 3, 1.0)             // after 4: EOS
 *         .otherwise(3, 1.0));                     // any other prefix: EOS
 * }</pre>
 */
public final class ScriptedModel implements StepModel {
    /** The hand-written distributions. */
    @FunctionalInterface
    public interface Script {
        /**
         * Next-token log-probabilities after {@code prefix} (the tokens produced so far, without BOS) for a
         * sentence with source {@code source} (ending with EOS); V entries, −∞ allowed.
         */
        float[] logProbs(int[] source, int[] prefix);
    }

    private final int vocabSize;
    private final SpecialIds ids;
    private final Script script;
    private final List<Integer> rowsPerStep = new ArrayList<>();
    private int openStates;

    /** A model over {@code vocabSize} tokens whose distributions come from {@code script}. */
    public ScriptedModel(int vocabSize, SpecialIds ids, Script script) {
        this.vocabSize = vocabSize;
        this.ids = ids;
        this.script = script;
    }

    @Override
    public DecoderState encode(int[][] sources, int beamSize, NDManager manager) {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize " + beamSize + " < 1");
        }
        for (int s = 0; s < sources.length; s++) {
            int[] source = sources[s];
            if (source.length == 0 || source[source.length - 1] != ids.eos()) {
                throw new IllegalArgumentException("source " + s + " does not end with EOS: "
                        + Arrays.toString(source));
            }
        }
        return new State(sources, beamSize, manager.newSubManager());
    }

    @Override
    public NDArray step(DecoderState decoderState, int[] lastTokens, NDManager stepManager) {
        if (!(decoderState instanceof State state) || state.model() != this) {
            throw new IllegalArgumentException("state was not made by this model's encode()");
        }
        state.checkOpen();
        int rows = state.prefixes.length;
        if (lastTokens.length != rows) {
            throw new IllegalArgumentException(lastTokens.length + " last tokens for " + rows + " rows");
        }
        float[] out = new float[rows * vocabSize];
        for (int r = 0; r < rows; r++) {
            int token = lastTokens[r];
            if (state.length == 0 ? token != ids.bos() : token < 0 || token >= vocabSize) {
                throw new IllegalArgumentException("row " + r + " at step " + state.length + ": bad last token "
                        + token);
            }
            if (state.length > 0) {
                int[] prefix = Arrays.copyOf(state.prefixes[r], state.length);
                prefix[state.length - 1] = token;
                state.prefixes[r] = prefix;
            }
            float[] row = script.logProbs(state.sources.get(r / state.beamSize), state.prefixes[r]);
            if (row.length != vocabSize) {
                throw new IllegalStateException("script returned " + row.length + " log-probs, V = " + vocabSize);
            }
            System.arraycopy(row, 0, out, r * vocabSize, vocabSize);
        }
        state.length++;
        rowsPerStep.add(rows);
        return stepManager.create(out, new Shape(rows, vocabSize)); // (rows, V)
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** Rows fed at each {@link #step} call so far, in order. */
    public List<Integer> rowsPerStep() {
        return Collections.unmodifiableList(rowsPerStep);
    }

    /** States made by {@link #encode} and not closed yet. */
    public int openStates() {
        return openStates;
    }

    /** The state: per row its prefix, per sentence its source and a stand-in source encoding. */
    private final class State implements DecoderState {
        private final int beamSize;
        private final NDManager manager;
        private List<int[]> sources;
        private List<NDArray> encodings; // one per sentence, never per row: the shared source segment
        private int[][] prefixes;
        private int length;
        private boolean closed;

        State(int[][] batch, int beamSize, NDManager manager) {
            this.beamSize = beamSize;
            this.manager = manager;
            this.sources = new ArrayList<>(Arrays.asList(batch));
            this.encodings = new ArrayList<>(batch.length);
            for (int[] source : batch) {
                encodings.add(manager.create(source)); // (S,)
            }
            this.prefixes = new int[batch.length * beamSize][0];
            openStates++;
        }

        ScriptedModel model() {
            return ScriptedModel.this;
        }

        void checkOpen() {
            if (closed) {
                throw new IllegalStateException("state used after close()");
            }
        }

        @Override
        public int beamSize() {
            return beamSize;
        }

        @Override
        public int liveSentences() {
            return sources.size();
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void reorder(int[] origins) {
            checkOpen();
            if (origins.length != prefixes.length) {
                throw new IllegalArgumentException(origins.length + " origins for " + prefixes.length + " rows");
            }
            int[][] moved = new int[prefixes.length][];
            for (int r = 0; r < origins.length; r++) {
                if (origins[r] < 0 || origins[r] >= prefixes.length || origins[r] / beamSize != r / beamSize) {
                    throw new IllegalArgumentException("row " + r + " of sentence " + r / beamSize
                            + " cannot continue row " + origins[r] + " of another sentence");
                }
                moved[r] = prefixes[origins[r]];
            }
            prefixes = moved;
        }

        @Override
        public void keep(int[] sentences) {
            checkOpen();
            List<int[]> keptSources = new ArrayList<>(sentences.length);
            List<NDArray> keptEncodings = new ArrayList<>(sentences.length);
            int[][] keptPrefixes = new int[sentences.length * beamSize][];
            boolean[] stays = new boolean[sources.size()];
            for (int i = 0; i < sentences.length; i++) {
                int s = sentences[i];
                if (s < 0 || s >= sources.size() || (i > 0 && s <= sentences[i - 1])) {
                    throw new IllegalArgumentException("keep() needs increasing live indices below "
                            + sources.size() + ": " + Arrays.toString(sentences));
                }
                stays[s] = true;
                keptSources.add(sources.get(s));
                keptEncodings.add(encodings.get(s));
                System.arraycopy(prefixes, s * beamSize, keptPrefixes, i * beamSize, beamSize);
            }
            for (int s = 0; s < stays.length; s++) {
                if (!stays[s]) {
                    encodings.get(s).close();
                }
            }
            sources = keptSources;
            encodings = keptEncodings;
            prefixes = keptPrefixes;
        }

        @Override
        public long cacheBytes() {
            long bytes = 0;
            for (NDArray encoding : encodings) {
                bytes += encoding.getShape().size() * encoding.getDataType().getNumOfBytes();
            }
            return bytes + (long) prefixes.length * length * Integer.BYTES;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                openStates--;
                manager.close();
            }
        }
    }

    /**
     * A source-independent script written as a table: for listed prefixes, the probability of each listed token
     * (unlisted tokens get probability 0, log-probability −∞); every other prefix uses the
     * {@link #otherwise} row.
     */
    public static final class Table implements Script {
        private final int vocabSize;
        private final Map<List<Integer>, float[]> rows = new HashMap<>();
        private float[] otherwise;

        /** An empty table over {@code vocabSize} tokens. */
        public Table(int vocabSize) {
            this.vocabSize = vocabSize;
        }

        /**
         * The distribution after {@code prefix}, as token, probability pairs: {@code next(p, 4, 0.6, 3, 0.4)}.
         */
        public Table next(int[] prefix, double... tokenProbabilityPairs) {
            rows.put(key(prefix), row(tokenProbabilityPairs));
            return this;
        }

        /** The distribution after any prefix not given to {@link #next}. */
        public Table otherwise(double... tokenProbabilityPairs) {
            otherwise = row(tokenProbabilityPairs);
            return this;
        }

        @Override
        public float[] logProbs(int[] source, int[] prefix) {
            float[] row = rows.getOrDefault(key(prefix), otherwise);
            if (row == null) {
                throw new IllegalStateException("no distribution after prefix " + Arrays.toString(prefix));
            }
            return row.clone();
        }

        private float[] row(double[] pairs) {
            if (pairs.length % 2 != 0) {
                throw new IllegalArgumentException("token, probability pairs expected: " + Arrays.toString(pairs));
            }
            float[] row = new float[vocabSize];
            Arrays.fill(row, Float.NEGATIVE_INFINITY);
            for (int i = 0; i < pairs.length; i += 2) {
                row[(int) pairs[i]] = (float) Math.log(pairs[i + 1]);
            }
            return row;
        }

        private static List<Integer> key(int[] prefix) {
            return Arrays.stream(prefix).boxed().toList();
        }
    }

    /**
     * A source-dependent script of pseudo-random distributions, for tests that compare searches with each
     * other rather than with hand-computed results: every (source, prefix) gets its own fixed distribution
     * (a function of {@code seed}, the source and the prefix only), and EOS becomes likely around a length
     * that depends on the source, so sentences of a batch finish at different steps.
     */
    public static Script random(int vocabSize, SpecialIds ids, long seed) {
        return (source, prefix) -> {
            long h = seed;
            for (int token : source) {
                h = h * 0x9e3779b97f4a7c15L + token + 1;
            }
            int expectedLength = 2 + (int) Math.floorMod(h, 6);
            for (int token : prefix) {
                h = h * 0x9e3779b97f4a7c15L + token + 1;
            }
            SplittableRandom random = new SplittableRandom(h);
            double[] logits = new double[vocabSize];
            for (int v = 0; v < vocabSize; v++) {
                logits[v] = 3 * random.nextDouble();
            }
            logits[ids.eos()] += 1.5 * (prefix.length - expectedLength) + 1.5;
            double max = Arrays.stream(logits).max().orElseThrow();
            double sum = 0;
            for (double logit : logits) {
                sum += Math.exp(logit - max);
            }
            double logZ = max + Math.log(sum);
            float[] out = new float[vocabSize];
            for (int v = 0; v < vocabSize; v++) {
                out[v] = (float) (logits[v] - logZ);
            }
            return out;
        };
    }
}
