package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Batched beam search with fairseq's rules. Each step: adjust the log-probabilities ({@link LogitsProcessor}),
 * add each row's running score, take the top 2k of each live sentence's k·V candidates in one {@code topK},
 * copy them to Java in one transfer, then:
 * <ul>
 *   <li>an EOS candidate among the sentence's top k, with a finite score, finishes a hypothesis (until the
 *       sentence has k finished ones);
 *   <li>the best k non-EOS candidates continue, and the state is reordered to follow them;
 *   <li>a sentence is done when it has k finished hypotheses (fairseq's default stopping rule: no comparison
 *       with what the live beams might still reach) or has reached its maximum length, where EOS is forced, or
 *       when its best live beam scores −∞ (fairseq would go on to the length limit without a possible
 *       result); done sentences leave the state ({@link DecoderState#keep}) so later steps compute only live
 *       ones.
 * </ul>
 * At the first step all k rows of a sentence are the same empty prefix, so only row 0 is expanded (fairseq
 * masks the others). Scores accumulate in float32 on the device, as in fairseq; a finished hypothesis is
 * ranked by {@code sum / (tokens + 1)^lenpen}. Per step the search adds two in-place passes and one
 * {@code topK} over the (rows, V) log-probabilities, plus a few operations on (L, 2k) arrays. Stateless and
 * thread-safe.
 */
final class BeamSearch implements SearchStrategy {
    private static final NDIndex FIRST_ROW = new NDIndex(":, 0, :");

    @Override
    public List<List<Hypothesis>> search(StepModel model, int[][] sources, SearchOptions options,
            NDManager manager) {
        options.checkConsistent();
        int k = options.beam();
        int eos = options.specialIds().eos();
        try (DecodingBatch batch = DecodingBatch.open(model, sources, options, k, manager)) {
            int[] lastTokens = new int[sources.length * k];
            Arrays.fill(lastTokens, options.specialIds().bos());
            double[] running = new double[lastTokens.length];
            while (batch.liveSentences() > 0) {
                double[] candidates;
                int width;
                try (NDManager step = manager.newSubManager()) {
                    NDArray logProbs = batch.logProbs(lastTokens, step); // (L·k, V)
                    NDList top = topCandidates(logProbs, running, batch, step);
                    width = (int) top.get(0).getShape().get(1);
                    candidates = DecodingBatch.fetch(top.get(0), top.get(1)); // (L, 2·width)
                }
                Selection next = select(batch, candidates, width, eos);
                batch.advance(next.kept(), next.keptCount(), next.tokens(), next.parents(), next.scores());
                lastTokens = next.tokens();
                running = next.scores();
            }
            return batch.results(options.nbest());
        }
    }

    /**
     * Expands every live row by every token and keeps each sentence's best 2k (fewer if it has fewer
     * candidates).
     *
     * @param logProbs (L·k, V) adjusted log-probabilities; the running scores are added in place
     * @param running per row, its cumulative score (float32 values)
     * @return scores (L, 2k) float32, best first, and flat candidate indices (L, 2k) int64, each {@code beam · V
     *     + token}; both owned by {@code step}
     */
    static NDList topCandidates(NDArray logProbs, double[] running, DecodingBatch batch, NDManager step) {
        int live = batch.liveSentences();
        int k = batch.beamSize();
        int vocab = batch.vocabSize();
        NDArray expanded;
        if (batch.position() == 0) {
            // every row of a sentence is the same empty prefix: expand row 0 only; running scores are all 0
            expanded = logProbs.reshape(live, k, vocab).get(FIRST_ROW); // (L, V)
        } else {
            float[] scores = new float[running.length];
            for (int r = 0; r < scores.length; r++) {
                scores[r] = (float) running[r];
            }
            NDArray column = step.create(scores, new Shape(scores.length, 1)); // (L·k, 1)
            expanded = logProbs.addi(column).reshape(live, (long) k * vocab); // (L, k·V)
        }
        int width = (int) Math.min(2L * k, expanded.getShape().get(1));
        return expanded.topK(width, 1, true, true); // (L, 2k) scores, (L, 2k) indices
    }

    /**
     * The Java half of a step: finishes EOS candidates, picks the k continuing rows per sentence and decides
     * which sentences are done.
     *
     * @param candidates per live sentence, {@code width} scores then {@code width} flat indices (see
     *     {@link #topCandidates})
     */
    static Selection select(DecodingBatch batch, double[] candidates, int width, int eos) {
        int live = batch.liveSentences();
        int k = batch.beamSize();
        int vocab = batch.vocabSize();
        int[] tokens = new int[live * k];
        int[] parents = new int[live * k];
        double[] scores = new double[live * k];
        int[] kept = new int[live];
        int keptCount = 0;
        for (int s = 0; s < live; s++) {
            int base = s * 2 * width;
            int slot = keptCount * k; // where this sentence's rows go if it stays
            int chosen = 0;
            for (int j = 0; j < width && chosen < k; j++) {
                double score = candidates[base + j];
                long flat = (long) candidates[base + width + j];
                int row = s * k + (int) (flat / vocab);
                int token = batch.token((int) (flat % vocab));
                if (token == eos) {
                    // fairseq: only EOS among the top k finishes, and never with a −∞ score
                    if (j < k && score != Double.NEGATIVE_INFINITY && batch.finishedCount(s) < k) {
                        batch.finish(s, row, score);
                    }
                } else if (chosen < k) {
                    tokens[slot + chosen] = token;
                    parents[slot + chosen] = row;
                    scores[slot + chosen] = score;
                    chosen++;
                }
            }
            // a vocabulary smaller than 2k can leave too few continuations: pad with dead copies
            for (; chosen < k; chosen++) {
                tokens[slot + chosen] = eos;
                parents[slot + chosen] = s * k;
                scores[slot + chosen] = Double.NEGATIVE_INFINITY;
            }
            // done: k finished, or the length limit, or no live beam with a finite score (nothing can finish)
            boolean done = batch.finishedCount(s) == k || batch.position() >= batch.maxLength(s)
                    || scores[slot] == Double.NEGATIVE_INFINITY;
            if (!done) {
                kept[keptCount++] = s;
            }
        }
        int rows = keptCount * k;
        return new Selection(Arrays.copyOf(tokens, rows), Arrays.copyOf(parents, rows),
                Arrays.copyOf(scores, rows), kept, keptCount);
    }

    /** The rows that go on after a step, only for the sentences that stay (see {@link DecodingBatch#advance}). */
    record Selection(int[] tokens, int[] parents, double[] scores, int[] kept, int keptCount) {}
}
