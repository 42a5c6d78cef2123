package org.dmodel.search;

import ai.djl.ndarray.NDManager;
import java.util.function.IntFunction;

/**
 * What a {@link LogitsProcessor} may know about the step being decoded. Valid for one step only.
 *
 * @param position tokens produced so far by every live hypothesis (0 at the first step)
 * @param beamSize hypothesis rows per live sentence; row {@code s * beamSize + j} belongs to live sentence s
 * @param maxLengths per live sentence, the most tokens before the EOS (EOS is forced at that position); shared
 *     with the search, not to be modified
 * @param prefixes row r → the tokens row r has produced so far ({@code position} of them, a fresh array)
 * @param vocabulary the columns of the log-probabilities (the whole vocabulary, or the batch's shortlist)
 * @param manager the step's manager: arrays a processor creates belong here and die with the step
 */
record DecodingStep(int position, int beamSize, int[] maxLengths, IntFunction<int[]> prefixes,
                    VocabularySubset vocabulary, NDManager manager) {
    /** Live sentences in this step. */
    int liveSentences() {
        return maxLengths.length;
    }

    /** The column of token id {@code token} in the log-probabilities, or −1 when the batch's shortlist lacks it. */
    int column(int token) {
        return vocabulary.column(token);
    }

    /** The tokens row {@code row} has produced so far, oldest first. */
    int[] prefix(int row) {
        return prefixes.apply(row);
    }
}
