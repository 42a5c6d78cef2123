package org.dmodel.attention;

import ai.djl.ndarray.NDArray;

/**
 * Receives what one attention module computed in a probed forward pass, for the collapse diagnostics of
 * papers.md §4; the normal training and decoding paths pass null and compute nothing extra. Implementations
 * copy what they keep before returning: the arrays belong to the forward pass's manager (W_O to the model).
 */
@FunctionalInterface
public interface AttentionProbe {
    /**
     * Records one module's attention.
     *
     * @param probabilities per-head attention probabilities (B, h, n, t), exactly 0 on hidden keys
     * @param headOutputs what each head feeds the output projection (B, h, n, d_h): o_h times PG-OP's gate, if any,
     *     and the fixed output factor (TPA's 1/R_V), so that the module's output is Σ_h o_h W_O^(h)ᵀ + b
     * @param mask the additive mask the module used, broadcastable to (B, 1, n, t); null when every key is visible
     * @param outputWeight W_O (d, h·d_h), head h owning columns h·d_h … (h+1)·d_h − 1
     */
    void record(NDArray probabilities, NDArray headOutputs, NDArray mask, NDArray outputWeight);
}
