package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * One adjustment of a step's log-probabilities before the search chooses tokens (CTranslate2's logits
 * processors): forbidding tokens, penalties, length constraints. Processors run in order, each on the previous
 * one's output, and what they produce is what hypotheses are scored by. They work in place on the step's
 * log-probabilities, which the search owns ({@link StepModel#step} hands them to the caller's step manager).
 *
 * <p>Not thread-safe: a chain is built per search call and holds its constant masks in that call's manager.
 */
interface LogitsProcessor {
    /**
     * Adjusts the log-probabilities of one step.
     *
     * @param logProbs (rows, V) float32, rows = {@code step.liveSentences() * step.beamSize()}, owned by
     *     {@code step.manager()}; adjusted in place (a fresh (rows, V) array per step and processor would cost
     *     more than the adjustment: large allocations dominate these element-wise operations)
     * @return {@code logProbs}, adjusted
     */
    NDArray apply(NDArray logProbs, DecodingStep step);

    /**
     * The chain for {@code options}: pad and BOS forbidden and the unk penalty subtracted at every step, the
     * repetition penalty and the n-gram ban when set, EOS forbidden before {@code --min-len}, EOS forced at each
     * sentence's maximum length (fairseq's order: the length rules come last and win).
     *
     * @param manager owns the chain's constant masks; close it after the search
     * @throws IllegalArgumentException if a special id is outside the vocabulary
     */
    static LogitsProcessor standard(SearchOptions options, VocabularySubset vocabulary, NDManager manager) {
        List<LogitsProcessor> chain = new ArrayList<>();
        chain.add(new TokenBias(options.specialIds(), options.unkPenalty(), vocabulary, manager));
        if (options.repetitionPenalty() != 1.0) {
            chain.add(new RepetitionPenalty(options.repetitionPenalty()));
        }
        if (options.noRepeatNgramSize() > 0) {
            chain.add(new NoRepeatNgram(options.noRepeatNgramSize()));
        }
        int eos = vocabulary.column(options.specialIds().eos());
        chain.add(new MinLength(options.minLen(), eos, vocabulary.size(), manager));
        chain.add(new MaxLength(eos, vocabulary.size(), manager));
        return (logProbs, step) -> {
            NDArray adjusted = logProbs;
            for (LogitsProcessor processor : chain) {
                adjusted = processor.apply(adjusted, step);
            }
            return adjusted;
        };
    }
}
