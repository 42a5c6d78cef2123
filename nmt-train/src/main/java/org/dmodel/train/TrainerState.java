package org.dmodel.train;

/**
 * Where training stands, saved in every checkpoint as {@code trainer-state.json} so that a run can resume
 * exactly: the update count, the data iterator's position (epoch and the next batch in that epoch), early
 * stopping counters and the NaN counters. The random state is a function of the seed and the update count
 * (dropout is reseeded every update), so it needs no separate record. Immutable.
 */
public record TrainerState(
        int format,
        long step,
        int epoch,
        int batchInEpoch,
        double bestMetric,
        long bestStep,
        int validationsWithoutImprovement,
        int nanInRow,
        long nanTotal,
        double elapsedSeconds) {

    /** Current {@code format} of {@code trainer-state.json}. */
    public static final int FORMAT = 1;

    /** The state before the first update. */
    public static TrainerState initial() {
        return new TrainerState(FORMAT, 0, 1, 0, Double.NaN, 0, 0, 0, 0, 0);
    }
}
