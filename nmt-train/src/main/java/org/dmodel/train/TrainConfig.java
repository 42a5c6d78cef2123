package org.dmodel.train;

import java.nio.file.Path;

/**
 * Everything about optimisation and bookkeeping for one training run (nothing about the network's
 * shape, which is {@code ModelConfig}). Built by {@link TrainOptions} from the command line. Immutable.
 *
 * @param maxSteps stop after this many updates (0 = no limit)
 * @param maxEpochs stop after this many epochs (0 = no limit)
 * @param validateEvery updates between validations (0 = only at the end of each epoch)
 * @param saveEvery updates between numbered checkpoints (0 = none; {@code checkpoint_last} is written at every validation)
 * @param keepLast numbered checkpoints to keep (0 = all)
 * @param patience stop after this many validations without improvement (0 = never)
 * @param validBeam beam size for validation BLEU (0 = no BLEU, validation loss only; 1 = greedy)
 * @param maxNanInRow stop after this many consecutive updates with a non-finite loss or gradient
 * @param logEvery updates between progress lines
 * @param timeBudgetSeconds stop (saving a checkpoint) after this much wall time (0 = no limit)
 * @param baseSteps νGPT: updates of the base run (0 = the same horizon, m_data = 1)
 * @param outputLrMult νGPT: factor on the output embedding's learning rate
 */
public record TrainConfig(
        Path saveDir,
        int maxTokens,
        int updateFreq,
        long maxSteps,
        int maxEpochs,
        LrSchedule schedule,
        double beta1,
        double beta2,
        double adamEps,
        double weightDecay,
        double clipNorm,
        double labelSmoothing,
        long seed,
        int validateEvery,
        int saveEvery,
        int keepLast,
        int patience,
        int validBeam,
        int maxNanInRow,
        int logEvery,
        long timeBudgetSeconds,
        long baseSteps,
        double outputLrMult) {

    public TrainConfig {
        if (maxSteps <= 0 && maxEpochs <= 0 && timeBudgetSeconds <= 0) {
            throw new IllegalArgumentException("give --max-steps, --max-epochs or --time-budget: training needs an end");
        }
        if (updateFreq < 1 || maxTokens < 1 || maxNanInRow < 1 || logEvery < 1) {
            throw new IllegalArgumentException("--update-freq, --max-tokens, --max-nan-in-row and --log-every must be >= 1");
        }
        if (baseSteps < 0 || !(outputLrMult > 0)) {
            throw new IllegalArgumentException("--base-steps must be >= 0 and --output-lr-mult > 0");
        }
    }
}
