package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.BitSet;
import org.dmodel.engine.TorchArrays;

/**
 * Multiplies the log-probability of every token a hypothesis already contains by θ (CTranslate2's
 * {@code repetition_penalty} applied to log-probabilities): log p ≤ 0, so θ &gt; 1 makes repeats less likely and
 * θ &lt; 1 more likely; −∞ stays −∞. Not renormalized: like the unk penalty, the adjusted values are what the
 * hypothesis is scored by. Three native calls per step (gather, multiply, scatter). Not thread-safe.
 */
final class RepetitionPenalty implements LogitsProcessor {
    private final float theta;

    RepetitionPenalty(double theta) {
        this.theta = (float) theta;
    }

    @Override
    public NDArray apply(NDArray logProbs, DecodingStep step) {
        if (step.position() == 0) {
            return logProbs;
        }
        TokenPairs seen = new TokenPairs();
        int rows = (int) logProbs.getShape().get(0);
        BitSet columns = new BitSet();
        for (int r = 0; r < rows; r++) {
            columns.clear();
            for (int token : step.prefix(r)) {
                int column = step.column(token);
                if (column >= 0 && !columns.get(column)) {
                    columns.set(column);
                    seen.add(r, column);
                }
            }
        }
        NDIndex cells = seen.index(step.manager());
        logProbs.set(cells, TorchArrays.mul(logProbs.get(cells), theta)); // (pairs,), in the step's manager
        return logProbs;
    }
}
