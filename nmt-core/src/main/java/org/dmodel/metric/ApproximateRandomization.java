package org.dmodel.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * sacreBLEU's paired approximate randomization test ({@code --paired-ar}; Riezler and Maxwell 2005, p-value as
 * in multeval): in each trial every segment's statistics go to one of two pseudo-systems, the baseline's or the
 * system's by a coin flip and the other's to the other, and the p-value is the share of trials whose
 * pseudo-systems differ by more than the baseline and the system do, +1 on both sides. The flips are numpy's for
 * the seed ({@link NumpyRandom#bits}) and every system gets the same ones, as in sacreBLEU, so the p-values are
 * sacreBLEU's. Like sacreBLEU's command line, it estimates no confidence interval. Stateless and thread-safe.
 */
public final class ApproximateRandomization {
    private ApproximateRandomization() {
    }

    /**
     * Each system against the baseline over {@code trials} trials.
     *
     * @return the baseline's result first (its p-value NaN), then one per system; no result has a confidence
     */
    public static List<PairedBootstrap.Result> pairedTest(Metric metric, Statistics baseline, List<Statistics> systems,
                                                          int trials, long seed) {
        int n = baseline.segments();
        // sacreBLEU draws all flips in one call (trials × segments, row by row): one bit buffer across rows.
        boolean[] baselineToA = new NumpyRandom(seed).bits(Math.multiplyExact(trials, n));
        Score blScore = metric.score(baseline.sum());
        List<PairedBootstrap.Result> results = new ArrayList<>();
        results.add(new PairedBootstrap.Result(blScore, null, Double.NaN));
        double[] a = new double[baseline.width()];
        double[] b = new double[baseline.width()];
        for (Statistics sys : systems) {
            if (sys.segments() != n) {
                throw new IllegalArgumentException("system has " + sys.segments() + " segments, baseline " + n);
            }
            Score sysScore = metric.score(sys.sum());
            double diff = Math.abs(blScore.score() - sysScore.score());
            int above = 0;
            for (int t = 0; t < trials; t++) {
                Arrays.fill(a, 0.0);
                Arrays.fill(b, 0.0);
                for (int i = 0; i < n; i++) {
                    boolean flip = baselineToA[t * n + i];
                    for (int j = 0; j < a.length; j++) {
                        double bl = baseline.get(i, j);
                        double sy = sys.get(i, j);
                        a[j] += flip ? bl : sy;
                        b[j] += flip ? sy : bl;
                    }
                }
                if (Math.abs(metric.score(a).score() - metric.score(b).score()) > diff) {
                    above++;
                }
            }
            results.add(new PairedBootstrap.Result(sysScore, null, (above + 1.0) / (trials + 1.0)));
        }
        return results;
    }
}
