package org.dmodel.metric;

/**
 * A bootstrap estimate around a score: the mean of the resampled scores and the half-width of their 95%
 * interval (sacreBLEU's {@code confidence_mean} and {@code confidence_var}). Immutable.
 *
 * @param mean mean of the resampled scores
 * @param halfWidth half the distance between the 2.5th and 97.5th percentile resample
 */
public record Confidence(double mean, double halfWidth) {
}
