package org.dmodel.metric;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bootstrap resampling over segments, as sacreBLEU does it: confidence intervals for one system
 * ({@code --confidence}) and the paired bootstrap test of systems against a baseline ({@code --paired-bs},
 * Koehn 2004, as in Moses' {@code bootstrap-hypothesis-difference-significance.pl}).
 *
 * <p>Resamples are drawn with the seed {@link Signature#BOOTSTRAP_SEED} (12345, sacreBLEU's default) by
 * {@link NumpyRandom}, which reproduces numpy's generator, so the resampled segment indices are exactly
 * sacreBLEU's; every system is scored on the same resamples. sacreBLEU sums and scores resamples in float32
 * (NumPy 2); we use doubles, so means, intervals and p-values agree with sacreBLEU's to about 1e-4.
 * Stateless and thread-safe.
 */
public final class PairedBootstrap {
    /**
     * A system's result in a paired test: its score, bootstrap mean and interval (null where the test
     * estimates none, as {@link ApproximateRandomization}), and p-value (NaN for the baseline).
     */
    public record Result(Score score, Confidence confidence, double pValue) {
    }

    private PairedBootstrap() {
    }

    /** sacreBLEU's {@code --confidence}: mean and 95% half-width of the score over {@code resamples} resamples. */
    public static Confidence confidence(Metric metric, Statistics stats, int resamples, long seed) {
        int[][] idx = resampleIndices(stats.segments(), resamples, seed);
        return estimate(resampledScores(metric, stats, idx), true);
    }

    /**
     * sacreBLEU's paired bootstrap test: each system against the baseline on the same resamples.
     *
     * @return the baseline's result first (its p-value NaN), then one per system
     */
    public static List<Result> pairedTest(Metric metric, Statistics baseline, List<Statistics> systems,
                                          int resamples, long seed) {
        int[][] idx = resampleIndices(baseline.segments(), resamples, seed);
        Score blScore = metric.score(baseline.sum());
        double[] blScores = resampledScores(metric, baseline, idx);
        List<Result> results = new ArrayList<>();
        results.add(new Result(blScore, estimate(blScores, false), Double.NaN));
        for (Statistics sys : systems) {
            if (sys.segments() != baseline.segments()) {
                throw new IllegalArgumentException("system has " + sys.segments() + " segments, baseline "
                        + baseline.segments());
            }
            Score sysScore = metric.score(sys.sum());
            double[] sysScores = resampledScores(metric, sys, idx);
            double diff = Math.abs(blScore.score() - sysScore.score());
            double[] sampleDiffs = new double[resamples];
            for (int k = 0; k < resamples; k++) {
                sampleDiffs[k] = Math.abs(sysScores[k] - blScores[k]);
            }
            double meanDiff = pairwiseSum(sampleDiffs, 0, resamples) / resamples;
            // multeval's rule: count centred differences above the real one, +1 on both sides.
            int above = 0;
            for (double d : sampleDiffs) {
                if (d - meanDiff > diff) {
                    above++;
                }
            }
            double p = (above + 1.0) / (resamples + 1.0);
            results.add(new Result(sysScore, estimate(sysScores, false), p));
        }
        return results;
    }

    /** The (resamples × segments) index table numpy's {@code choice} gives for this seed. */
    static int[][] resampleIndices(int segments, int resamples, long seed) {
        NumpyRandom rng = new NumpyRandom(seed);
        int[][] idx = new int[resamples][segments];
        for (int[] row : idx) {
            for (int j = 0; j < segments; j++) {
                row[j] = rng.below(segments);
            }
        }
        return idx;
    }

    private static double[] resampledScores(Metric metric, Statistics stats, int[][] idx) {
        double[] scores = new double[idx.length];
        double[] sum = new double[stats.width()];
        for (int k = 0; k < idx.length; k++) {
            Arrays.fill(sum, 0.0);
            for (int seg : idx[k]) {
                for (int j = 0; j < sum.length; j++) {
                    sum[j] += stats.get(seg, j);
                }
            }
            scores[k] = metric.score(sum).score();
        }
        return scores;
    }

    /**
     * sacreBLEU's {@code estimate_ci}: sort, take the (n/40)-th score from each end, half their distance.
     * The mean is exact ({@code statistics.mean}) for single-system intervals and numpy's pairwise mean of
     * the sorted scores in the paired test, as in sacreBLEU; the two differ only in the last bits.
     */
    private static Confidence estimate(double[] scores, boolean exactMean) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        int lower = n / 40;
        int upper = n - lower - 1;
        double halfWidth = 0.5 * (sorted[upper] - sorted[lower]);
        double mean = exactMean ? exactMean(scores) : pairwiseSum(sorted, 0, n) / n;
        return new Confidence(mean, halfWidth);
    }

    private static double exactMean(double[] xs) {
        BigDecimal sum = BigDecimal.ZERO;
        for (double x : xs) {
            sum = sum.add(new BigDecimal(x));
        }
        return sum.divide(BigDecimal.valueOf(xs.length), MathContext.DECIMAL128).doubleValue();
    }

    /** numpy's pairwise summation (blocks of 8 accumulators below 128 elements). */
    private static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double s = 0.0;
            for (int i = 0; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        if (n <= 128) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) {
                r[j] = a[from + j];
            }
            int i;
            for (i = 8; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }
}
