package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;

/**
 * The decoding loop of greedy search and sampling, where each row is one hypothesis that never changes
 * places: every step each unfinished row takes one token ({@link TokenChooser}), a row that takes EOS is
 * finished, and a sentence leaves the state when all its rows are finished. EOS is forced at the maximum
 * length. Finished rows of a live sentence are still fed (EOS) until the sentence leaves; their outputs are
 * ignored. Stateless.
 */
final class IndependentRows {
    private IndependentRows() {}

    /** How a row picks its next token. */
    interface TokenChooser {
        /**
         * Picks one token per row.
         *
         * @param logProbs (rows, V) float32 adjusted log-probabilities
         * @return the chosen tokens (rows, 1) int64 and their log-probabilities in {@code logProbs} (rows, 1),
         *     owned by {@code step}
         */
        NDArray[] choose(NDArray logProbs, DecodingBatch batch, NDManager step);
    }

    /** Decodes {@code sources} with {@code rowsPerSentence} independent rows each. */
    static List<List<Hypothesis>> run(StepModel model, int[][] sources, SearchOptions options, int rowsPerSentence,
            TokenChooser chooser, NDManager manager) {
        int eos = options.specialIds().eos();
        int k = rowsPerSentence;
        try (DecodingBatch batch = DecodingBatch.open(model, sources, options, k, manager)) {
            int[] lastTokens = new int[sources.length * k];
            Arrays.fill(lastTokens, options.specialIds().bos());
            double[] running = new double[lastTokens.length];
            boolean[] ended = new boolean[lastTokens.length];
            while (batch.liveSentences() > 0) {
                int rows = lastTokens.length;
                double[] picked;
                try (NDManager step = manager.newSubManager()) {
                    NDArray logProbs = batch.logProbs(lastTokens, step); // (rows, V)
                    picked = DecodingBatch.fetch(chooser.choose(logProbs, batch, step)); // (rows, 2)
                }
                int live = batch.liveSentences();
                int[] tokens = new int[rows];
                int[] parents = new int[rows];
                double[] scores = new double[rows];
                boolean[] nextEnded = new boolean[rows];
                int[] kept = new int[live];
                int keptCount = 0;
                for (int s = 0; s < live; s++) {
                    int slot = keptCount * k;
                    boolean allEnded = true;
                    for (int j = 0; j < k; j++) {
                        int row = s * k + j;
                        int token = ended[row] ? eos : batch.token((int) picked[2 * row]);
                        // float32 accumulation, the same additions beam search makes on the device
                        double score = ended[row] ? running[row] : (float) running[row] + (float) picked[2 * row + 1];
                        if (!ended[row] && token == eos && score != Double.NEGATIVE_INFINITY) {
                            batch.finish(s, row, score);
                        }
                        // a row at −∞ can never finish with a usable score
                        boolean rowEnded = ended[row] || token == eos || score == Double.NEGATIVE_INFINITY;
                        allEnded &= rowEnded;
                        tokens[slot + j] = token;
                        parents[slot + j] = row;
                        scores[slot + j] = score;
                        nextEnded[slot + j] = rowEnded;
                    }
                    if (!allEnded && batch.position() < batch.maxLength(s)) {
                        kept[keptCount++] = s;
                    }
                }
                int nextRows = keptCount * k;
                lastTokens = Arrays.copyOf(tokens, nextRows);
                running = Arrays.copyOf(scores, nextRows);
                ended = Arrays.copyOf(nextEnded, nextRows);
                batch.advance(kept, keptCount, lastTokens, Arrays.copyOf(parents, nextRows), running);
            }
            return batch.results(options.nbest());
        }
    }
}
