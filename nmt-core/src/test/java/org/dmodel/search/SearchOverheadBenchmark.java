package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.dmodel.engine.Engines;
import org.dmodel.testing.ScriptedModel;
import org.dmodel.text.SpecialIds;

/**
 * Measures what search itself costs per decoding step, model excluded: a {@link ScriptedModel} with a realistic
 * vocabulary is wrapped in a stopwatch, and the time spent inside {@code encode}/{@code step} is subtracted
 * from the search's wall time. Not a test: run by hand, see BENCHMARKS.md conventions (numbers vary ±15 % on
 * the shared machine).
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp CLASSPATH org.dmodel.search.SearchOverheadBenchmark [vocab] [sentences] [repeats]
 * </pre>
 */
public final class SearchOverheadBenchmark {
    private SearchOverheadBenchmark() {}

    /** Runs beam 5, greedy and top-p sampling over one batch and prints the overhead per step. */
    public static void main(String[] args) {
        int vocab = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
        int sentences = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int[][] sources = new int[sentences][];
        for (int s = 0; s < sentences; s++) {
            sources[s] = new int[10 + s % 20];
            Arrays.fill(sources[s], 4 + s);
            sources[s][sources[s].length - 1] = SpecialIds.DEFAULT.eos();
        }
        Stopwatch model = new Stopwatch(new ScriptedModel(vocab, SpecialIds.DEFAULT, script(vocab)));
        SearchOptions beam = SearchOptions.DEFAULTS;
        SearchOptions[] runs = {beam, beam.withBeam(1), beam.withSampling(true).withBeam(1).withTopP(0.9)};
        String[] names = {"beam 5", "greedy", "sampling top-p 0.9"};
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            for (int i = 0; i < runs.length; i++) {
                SearchStrategy strategy = SearchStrategies.forOptions(runs[i]);
                double best = Double.MAX_VALUE;
                int steps = 0;
                long rows = 0;
                for (int r = 0; r < repeats + 2; r++) { // two warm-up runs
                    model.reset();
                    long start = System.nanoTime();
                    strategy.search(model, sources, runs[i], manager);
                    long searchNanos = System.nanoTime() - start - model.nanos;
                    if (r >= 2) {
                        best = Math.min(best, searchNanos / 1e3 / model.steps);
                    }
                    steps = model.steps;
                    rows = model.rows;
                }
                System.out.printf("%-20s V=%d, %d sentences: %d steps, %.1f rows/step, search overhead %.1f µs/step"
                        + " (best of %d)%n", names[i], vocab, sentences, steps, (double) rows / steps, best, repeats);
            }
        }
    }

    /**
     * Peaked rows like a trained model's (probability ∝ rank^−2 over a random order of the vocabulary, so the
     * top-p 0.9 nucleus holds a handful of tokens), one of 64 per prefix length and source; EOS likely after
     * 20–40 tokens.
     */
    private static ScriptedModel.Script script(int vocab) {
        SplittableRandom random = new SplittableRandom(1);
        double norm = 0;
        for (int rank = 1; rank <= vocab; rank++) {
            norm += 1.0 / ((double) rank * rank);
        }
        float[][] rows = new float[64][vocab];
        for (float[] row : rows) {
            int[] order = random.ints(0, Integer.MAX_VALUE).limit(vocab).toArray();
            Integer[] tokens = new Integer[vocab];
            for (int v = 0; v < vocab; v++) {
                tokens[v] = v;
            }
            Arrays.sort(tokens, (a, b) -> Integer.compare(order[a], order[b]));
            for (int rank = 1; rank <= vocab; rank++) {
                row[tokens[rank - 1]] = (float) (-2 * Math.log(rank) - Math.log(norm));
            }
        }
        return (source, prefix) -> {
            float[] row = rows[(prefix.length * 31 + source.length + (prefix.length > 0 ? prefix[0] : 0)) & 63].clone();
            int expected = 20 + source.length % 20;
            row[SpecialIds.DEFAULT.eos()] = prefix.length >= expected ? -0.01f : -30f;
            return row;
        };
    }

    /** A model decorator that adds up the time spent in the model. */
    private static final class Stopwatch implements StepModel {
        private final StepModel inner;
        long nanos;
        int steps;
        long rows;

        Stopwatch(StepModel inner) {
            this.inner = inner;
        }

        void reset() {
            nanos = 0;
            steps = 0;
            rows = 0;
        }

        @Override
        public DecoderState encode(int[][] sources, int beamSize, NDManager manager) {
            long start = System.nanoTime();
            DecoderState state = inner.encode(sources, beamSize, manager);
            nanos += System.nanoTime() - start;
            return state;
        }

        @Override
        public NDArray step(DecoderState state, int[] lastTokens, NDManager stepManager) {
            long start = System.nanoTime();
            NDArray out = inner.step(state, lastTokens, stepManager);
            nanos += System.nanoTime() - start;
            steps++;
            rows += lastTokens.length;
            return out;
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }
    }
}
