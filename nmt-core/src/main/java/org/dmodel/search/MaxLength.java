package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Forces EOS for the rows of every sentence that has reached its maximum length, so each hypothesis ends with
 * at most ⌊a·n + b⌋ tokens plus EOS (fairseq sets every non-EOS log-probability to −∞ at
 * {@code step == max_len}). Sentences reach their limits at different steps; only then does this processor
 * cost anything. Not thread-safe.
 */
final class MaxLength implements LogitsProcessor {
    private final NDArray onlyEos; // (1, V): 0 at EOS, −∞ elsewhere
    private final NDArray masks; // (2, V): row 0 leaves a row alone, row 1 forces EOS

    /** @param manager owns the masks; close it after the search */
    MaxLength(int eos, int vocabSize, NDManager manager) {
        float[] rows = new float[2 * vocabSize];
        Arrays.fill(rows, vocabSize, 2 * vocabSize, Float.NEGATIVE_INFINITY);
        rows[vocabSize + eos] = 0f;
        masks = manager.create(rows, new Shape(2, vocabSize)); // (2, V)
        onlyEos = masks.get(1).reshape(1, vocabSize); // (1, V)
    }

    @Override
    public NDArray apply(NDArray logProbs, DecodingStep step) {
        int[] maxLengths = step.maxLengths();
        int atLimit = 0;
        for (int limit : maxLengths) {
            if (limit <= step.position()) {
                atLimit++;
            }
        }
        if (atLimit == 0) {
            return logProbs;
        }
        if (atLimit == maxLengths.length) {
            return logProbs.addi(onlyEos); // (rows, V)
        }
        int k = step.beamSize();
        long[] choice = new long[maxLengths.length * k];
        for (int s = 0; s < maxLengths.length; s++) {
            if (maxLengths[s] <= step.position()) {
                Arrays.fill(choice, s * k, (s + 1) * k, 1L);
            }
        }
        NDArray selector = step.manager().create(choice); // (rows,)
        NDArray perRow = masks.get(new NDIndex("{}", selector)); // (rows, V)
        perRow.attach(step.manager());
        return logProbs.addi(perRow); // (rows, V)
    }
}
