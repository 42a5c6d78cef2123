package org.dmodel.search;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A way to turn a {@link StepModel}'s next-token distributions into output sequences: beam search, greedy
 * search or sampling. Get one from {@link SearchStrategies#forOptions}.
 *
 * <p>Implementations hold no per-call state and are thread-safe; each call needs its own {@code manager}
 * (NDManagers are not thread-safe), and the model must allow concurrent {@code encode}/{@code step} calls on
 * different states if calls overlap.
 *
 * <pre>{@code
 * List<List<Hypothesis>> nbest = SearchStrategies.forOptions(options).search(model, sources, options, manager);
 * int[] best = nbest.get(0).get(0).tokens();
 * }</pre>
 */
public interface SearchStrategy {
    /**
     * Decodes a batch of sources.
     *
     * @param sources token ids per sentence, each ending with EOS, no padding
     * @param options decoding options; {@link SearchOptions#checkConsistent()} must hold
     * @param manager parent of every NDArray the search creates (its own sub-managers and the decoder state),
     *     on the model's device; all of them are closed before this method returns, also when it throws, so the
     *     manager holds no new arrays afterwards
     * @return for each source, in input order, up to {@code options.nbest()} hypotheses, best first; fewer
     *     only when the model leaves fewer finite-scoring ones
     */
    List<List<Hypothesis>> search(StepModel model, int[][] sources, SearchOptions options, NDManager manager);
}
