package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Greedy search: each sentence takes the most likely adjusted token at every step until EOS. One hypothesis
 * per sentence whatever {@code --beam} and {@code --nbest} say; equal to beam search with beam 1.
 * Stateless and thread-safe.
 */
final class GreedySearch implements SearchStrategy {
    @Override
    public List<List<Hypothesis>> search(StepModel model, int[][] sources, SearchOptions options,
            NDManager manager) {
        options.checkConsistent();
        return IndependentRows.run(model, sources, options, 1, GreedySearch::argmax, manager);
    }

    private static NDArray[] argmax(NDArray logProbs, DecodingBatch batch, NDManager step) {
        NDList best = logProbs.topK(1, 1, true, true); // (rows, 1) log-probs, (rows, 1) tokens
        return new NDArray[] {best.get(1), best.get(0)};
    }
}
