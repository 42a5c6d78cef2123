package org.dmodel.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import org.dmodel.engine.TorchArrays;

/**
 * Label-smoothed cross entropy that ignores padding, as fairseq's {@code label_smoothed_cross_entropy}:
 * {@code loss = (1 − ε − ε/(V−1))·nll + ε/(V−1)·Σ_v −log p_v}, summed over non-pad target tokens.
 *
 * <p>Returns sums (not means) so that gradient accumulation and logging can normalize by the token count of
 * the whole update. All results belong to the manager of {@code logits}; constants go through {@link TorchArrays}
 * (they stay open until backward has run). Immutable.
 */
public record LabelSmoothedLoss(double epsilon, int padId) {
    public LabelSmoothedLoss {
        if (epsilon < 0 || epsilon >= 1) {
            throw new IllegalArgumentException("--label-smoothing " + epsilon + ": must be in [0, 1)");
        }
    }

    /** The summed smoothed loss and the summed NLL over non-pad tokens, both scalars (float32). */
    public record Sums(NDArray loss, NDArray nll) {}

    /**
     * @param logits (B, T, V) float32
     * @param target (B, T) int ids, padded with {@code padId}
     */
    public Sums compute(NDArray logits, NDArray target) {
        long vocab = logits.getShape().get(2);
        NDArray logp = logits.logSoftmax(-1); // (B, T, V)
        NDArray mask = TorchArrays.neq(target, padId).toType(DataType.FLOAT32, false); // (B, T)
        NDArray nll = logp.gather(target.toType(DataType.INT64, false).expandDims(-1), -1).squeeze(-1).neg(); // (B, T)
        NDArray nllSum = nll.mul(mask).sum();
        if (epsilon == 0) {
            return new Sums(nllSum, nllSum);
        }
        double epsI = epsilon / (vocab - 1);
        NDArray smooth = logp.sum(new int[] {-1}).neg(); // (B, T)
        NDArray loss = TorchArrays.mul(nll, 1 - epsilon - epsI).addi(TorchArrays.mul(smooth, epsI)).muli(mask).sum();
        return new Sums(loss, nllSum);
    }
}
