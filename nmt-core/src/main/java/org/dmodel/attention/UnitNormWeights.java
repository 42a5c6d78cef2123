package org.dmodel.attention;

import ai.djl.ndarray.NDArray;

/**
 * A block whose weight vectors along the model dimension d are kept on the unit sphere (nGPT, papers.md §3.1):
 * once after initialization and again after every optimizer step, {@link #renormalize} divides each such vector
 * by its L2 norm in place. {@code Seq2SeqModel.renormalize()} walks the block tree and calls every implementer.
 * Not thread-safe: renormalize only while nothing else reads the parameters.
 */
public interface UnitNormWeights {
    /** Rescales this block's own unit-norm weight vectors to norm 1, in place; temporaries are released. */
    void renormalize();

    /** {@code x / ‖x‖₂} over the last axis (nGPT's Norm); the result belongs to x's manager. */
    static NDArray normalize(NDArray x) {
        return x.div(x.norm(new int[] {x.getShape().dimension() - 1}, true));
    }

    /** Divides the vectors of {@code w} along {@code axis} by their L2 norms, in place. */
    static void normalizeInPlace(NDArray w, int axis) {
        try (NDArray norms = w.norm(new int[] {axis}, true)) {
            w.divi(norms);
        }
    }
}
