package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.dmodel.engine.TorchArrays;

/**
 * PG-OP's position-gated output (papers.md §4): each head's output o_h is multiplied by a per-token gate
 * g_h = 2·sigmoid(W_g x + b_g) computed from the attention's query-side input x, before W_O, so caches do not
 * change. W_g and b_g start at zero: g = 1, and the module starts as the standard projection. The attention
 * registers {@link #projection()} as its child {@code outputGate}. Thread-safe once initialized.
 */
final class OutputGate {
    private final Projection projection;

    OutputGate(int dModel, int heads) {
        this.projection = new Projection(dModel, heads, Initializer.ZEROS);
    }

    /** Parameters the gates add to one attention module: W_g (h, d) and b_g (h). */
    static long parameters(int dModel, int heads) {
        return (long) heads * (dModel + 1);
    }

    Projection projection() {
        return projection;
    }

    /** Per-head outputs o (N, h, m, d_h) times their gates from x (N, m, d). */
    NDArray apply(ParameterStore ps, NDArray o, NDArray x, boolean training) {
        NDArray gates = TorchArrays.mul(Activation.sigmoid(projection.apply(ps, x, training)), 2); // (N, m, h)
        return o.mul(gates.transpose(0, 2, 1).expandDims(3)); // (N, h, m, d_h)
    }
}
