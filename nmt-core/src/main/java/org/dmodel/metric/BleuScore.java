package org.dmodel.metric;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A BLEU result with its sufficient statistics: matched and total n-gram counts per order (before any
 * add-k smoothing), the precisions in percent (after smoothing), the brevity penalty and the hypothesis and
 * reference lengths. Immutable.
 *
 * @param score BLEU in percent
 * @param counts matched n-grams for orders 1..N
 * @param totals hypothesis n-grams for orders 1..N
 * @param precisions n-gram precisions in percent, smoothed as the metric says
 * @param bp the brevity penalty
 * @param sysLen hypothesis length in tokens
 * @param refLen effective reference length (closest reference per segment)
 */
public record BleuScore(double score, long[] counts, long[] totals, double[] precisions, double bp, long sysLen,
                        long refLen) implements Score {
    public BleuScore {
        counts = counts.clone();
        totals = totals.clone();
        precisions = precisions.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public long[] totals() {
        return totals.clone();
    }

    @Override
    public double[] precisions() {
        return precisions.clone();
    }

    @Override
    public String name() {
        return "BLEU";
    }

    /** Hypothesis length over reference length (0 when the reference is empty). */
    public double ratio() {
        return refLen == 0 ? 0.0 : (double) sysLen / refLen;
    }

    /** sacreBLEU's verbose part, e.g. {@code 70.8/46.3/32.4/25.1 (BP = 1.000 ratio = 1.096 hyp_len = 903 ref_len = 824)}. */
    @Override
    public String verbose() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < precisions.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(ScoreFormat.fixed(precisions[i], 1));
        }
        sb.append(" (BP = ").append(ScoreFormat.fixed(bp, 3)).append(" ratio = ").append(ScoreFormat.fixed(ratio(), 3))
                .append(" hyp_len = ").append(sysLen).append(" ref_len = ").append(refLen).append(')');
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuScore b && Double.compare(score, b.score) == 0 && Arrays.equals(counts, b.counts)
                && Arrays.equals(totals, b.totals) && Arrays.equals(precisions, b.precisions)
                && Double.compare(bp, b.bp) == 0 && sysLen == b.sysLen && refLen == b.refLen;
    }

    @Override
    public int hashCode() {
        return Objects.hash(score, bp, sysLen, refLen, Arrays.hashCode(counts), Arrays.hashCode(totals),
                Arrays.hashCode(precisions));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "BLEU = %s %s", ScoreFormat.fixed(score, 2), verbose());
    }
}
