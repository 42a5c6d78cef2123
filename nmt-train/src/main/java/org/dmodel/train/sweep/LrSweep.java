package org.dmodel.train.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The analysis of a learning-rate sweep (recipes/lr-transfer): for each curve (parameterization × model shape)
 * the learning rate with the lowest final validation loss, a finer optimum from a parabola through that point and
 * its two neighbours in log-LR, and how far each shape's optimum lies from the base shape's — the question of
 * learning-rate transfer (papers.md §3.2). Immutable.
 */
public final class LrSweep {
    /** One finished run: its parameterization, shape, peak learning rate and final validation loss (bits/token). */
    public record Run(String param, int dModel, int layers, double lr, double validLoss) {
        /** The shape label, e.g. {@code d128×L2}. */
        public String shape() {
            return "d" + dModel + "×L" + layers;
        }
    }

    /** One curve: loss against learning rate for one parameterization and shape, sorted by learning rate. */
    public record Curve(String param, String shape, List<Run> runs) {
        /** The run with the lowest finite loss, or null when every run diverged. */
        public Run best() {
            return runs.stream().filter(r -> Double.isFinite(r.validLoss()))
                    .min(Comparator.comparingDouble(Run::validLoss)).orElse(null);
        }

        /**
         * The optimum from a parabola through the best run and its neighbours in log10(lr); the best grid point
         * when it lies at the edge of the grid or the three points do not curve upwards.
         */
        public double optimum() {
            Run best = best();
            if (best == null) {
                return Double.NaN;
            }
            int i = runs.indexOf(best);
            if (i == 0 || i == runs.size() - 1 || !Double.isFinite(runs.get(i - 1).validLoss())
                    || !Double.isFinite(runs.get(i + 1).validLoss())) {
                return best.lr();
            }
            double x0 = Math.log10(runs.get(i - 1).lr());
            double x1 = Math.log10(best.lr());
            double x2 = Math.log10(runs.get(i + 1).lr());
            double y0 = runs.get(i - 1).validLoss();
            double y1 = best.validLoss();
            double y2 = runs.get(i + 1).validLoss();
            // Newton's divided differences of the three points (x0 < x1 < x2).
            double d01 = (y1 - y0) / (x1 - x0);
            double d12 = (y2 - y1) / (x2 - x1);
            double curvature = (d12 - d01) / (x2 - x0);
            if (!(curvature > 0)) {
                return best.lr();
            }
            // p(x) = y0 + d01·(x − x0) + curvature·(x − x0)(x − x1), so p'(x) = 0 at:
            double vertex = (x0 + x1) / 2 - d01 / (2 * curvature);
            return Math.pow(10, Math.max(x0, Math.min(x2, vertex)));
        }

        /** True when the best run is the smallest or largest learning rate of the grid (widen the grid). */
        public boolean bestAtEdge() {
            Run best = best();
            return best != null && runs.size() > 1 && (best == runs.get(0) || best == runs.get(runs.size() - 1));
        }
    }

    private final String baseShape;
    private final List<Curve> curves;

    /**
     * @param runs every finished run of the sweep
     * @param baseShape the shape the transfer rules start from, e.g. {@code d128×L2}
     */
    public LrSweep(List<Run> runs, String baseShape) {
        this.baseShape = baseShape;
        Map<String, List<Run>> byCurve = new LinkedHashMap<>();
        runs.stream().sorted(Comparator.comparing(Run::param).thenComparing(Run::dModel).thenComparing(Run::layers)
                        .thenComparingDouble(Run::lr))
                .forEach(r -> byCurve.computeIfAbsent(r.param() + " " + r.shape(), k -> new ArrayList<>()).add(r));
        List<Curve> list = new ArrayList<>();
        byCurve.forEach((k, v) -> list.add(new Curve(v.get(0).param(), v.get(0).shape(), List.copyOf(v))));
        this.curves = List.copyOf(list);
    }

    /** The curves, by parameterization, then width, then depth. */
    public List<Curve> curves() {
        return curves;
    }

    /** The base shape's curve for {@code param}, or null. */
    public Curve base(String param) {
        return curves.stream().filter(c -> c.param().equals(param) && c.shape().equals(baseShape)).findFirst()
                .orElse(null);
    }

    /**
     * The optimum of {@code c} divided by its parameterization's base-shape optimum (1 = the learning rate
     * transferred), NaN without a base curve.
     */
    public double shift(Curve c) {
        Curve base = base(c.param());
        return base == null ? Double.NaN : c.optimum() / base.optimum();
    }

    /** The report as Markdown: one row per curve, one loss column per learning rate, then optimum and shift. */
    public String markdown() {
        TreeSet<Double> lrs = new TreeSet<>();
        curves.forEach(c -> c.runs().forEach(r -> lrs.add(r.lr())));
        StringBuilder sb = new StringBuilder("| param | shape |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (double lr : lrs) {
            sb.append(" lr ").append(lr(lr)).append(" |");
            rule.append("---:|");
        }
        sb.append(" best lr | fitted optimum | optimum / base optimum |\n").append(rule).append("---:|---:|---:|\n");
        for (Curve c : curves) {
            sb.append("| ").append(c.param()).append(" | ").append(c.shape()).append(" |");
            for (double lr : lrs) {
                Run r = c.runs().stream().filter(x -> x.lr() == lr).findFirst().orElse(null);
                Run best = c.best();
                String v = r == null ? "" : !Double.isFinite(r.validLoss()) ? "diverged"
                        : String.format(Locale.ROOT, r == best ? "**%.3f**" : "%.3f", r.validLoss());
                sb.append(' ').append(v).append(" |");
            }
            Run best = c.best();
            sb.append(best == null ? " - | - | - |\n" : String.format(Locale.ROOT, " %s%s | %s | %.2f |%n", lr(best.lr()),
                    c.bestAtEdge() ? " (grid edge)" : "", lr(c.optimum()), shift(c)));
        }
        return sb.toString();
    }

    /**
     * One line per parameterization: the largest factor by which a shape's optimum moved away from the base
     * shape's, and whether the best grid learning rate changed.
     */
    public String verdict() {
        StringBuilder sb = new StringBuilder();
        for (String param : curves.stream().map(Curve::param).distinct().toList()) {
            Curve base = base(param);
            if (base == null || base.best() == null) {
                sb.append(param).append(": no base-shape result\n");
                continue;
            }
            double worst = 1;
            List<String> moved = new ArrayList<>();
            for (Curve c : curves) {
                if (!c.param().equals(param) || c == base || c.best() == null) {
                    continue;
                }
                double s = shift(c);
                worst = Math.max(worst, Math.max(s, 1 / s));
                if (c.best().lr() != base.best().lr()) {
                    moved.add(c.shape() + " " + lr(base.best().lr()) + " → " + lr(c.best().lr()));
                }
            }
            sb.append(param).append(": ").append(moved.isEmpty() ? "the best grid learning rate did not move"
                    : "the best grid learning rate moved (" + String.join("; ", moved) + ")")
                    .append(String.format(Locale.ROOT, "; fitted optima within a factor %.2f of the base shape's%n", worst));
        }
        return sb.toString();
    }

    /** A learning rate in short scientific notation: 1e-3, 2.5e-4. */
    static String lr(double v) {
        String[] parts = String.format(Locale.ROOT, "%.2e", v).split("e");
        String mantissa = parts[0].replaceAll("0+$", "").replaceAll("\\.$", "");
        return mantissa + "e" + Integer.parseInt(parts[1]);
    }
}
