package org.dmodel.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A headless line chart written as a PNG: several labelled series against one x axis (linear or log10), on a
 * left y axis and optionally a right one, with a legend. Non-finite points are skipped; a series with one point is
 * drawn as a dot. Used for training curves, learning-rate sweeps and per-layer diagnostics. Written atomically
 * (temp file + rename). Immutable; build with {@link #builder}.
 */
public final class LinePlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int MARGIN = 70;
    private static final int LEGEND_ROW = 16;
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};

    /** One line: its legend label, points (x, y) in drawing order, and whether it uses the right y axis. */
    public record Series(String label, double[] x, double[] y, boolean rightAxis) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + label + ": " + x.length + " x values, " + y.length + " y");
            }
        }

        /** A series on the left axis. */
        public Series(String label, double[] x, double[] y) {
            this(label, x, y, false);
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final String rightLabel;
    private final boolean logX;
    private final List<Series> series;

    private LinePlot(Builder b) {
        title = b.title;
        xLabel = b.xLabel;
        yLabel = b.yLabel;
        rightLabel = b.rightLabel;
        logX = b.logX;
        series = List.copyOf(b.series);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Assembles a plot. Not thread-safe. */
    public static final class Builder {
        private String title = "";
        private String xLabel = "";
        private String yLabel = "";
        private String rightLabel = "";
        private boolean logX;
        private final List<Series> series = new ArrayList<>();

        public Builder title(String v) {
            title = v;
            return this;
        }

        /** Axis labels: x, left y and right y (used only when a series is on the right axis). */
        public Builder labels(String x, String left, String right) {
            xLabel = x;
            yLabel = left;
            rightLabel = right;
            return this;
        }

        /** Draws x on a log10 scale (values must be positive). */
        public Builder logX(boolean v) {
            logX = v;
            return this;
        }

        public Builder add(Series s) {
            series.add(s);
            return this;
        }

        public LinePlot build() {
            return new LinePlot(this);
        }
    }

    /** Renders the plot into {@code png} (replaced atomically). */
    public void write(Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            double[] xr = range(false, true);
            double[] left = range(false, false);
            double[] right = series.stream().anyMatch(Series::rightAxis) ? range(true, false) : null;
            drawAxes(g, xr, left, right);
            for (int i = 0; i < series.size(); i++) {
                Series s = series.get(i);
                Color c = PALETTE[i % PALETTE.length];
                drawSeries(g, s, xr, s.rightAxis() ? right : left, c);
                g.setColor(c);
                int row = i / 4;
                int col = i % 4;
                g.drawString(s.label() + (s.rightAxis() && right != null ? " (right)" : ""),
                        MARGIN + col * (WIDTH - 2 * MARGIN) / 4, 36 + row * LEGEND_ROW);
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title, MARGIN, 18);
        } finally {
            g.dispose();
        }
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        ImageIO.write(img, "png", tmp.toFile());
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private double xValue(double x) {
        return logX ? Math.log10(x) : x;
    }

    /** [lo, hi] of the x values, or of the y values of the left or right series, padded by 5 %. */
    private double[] range(boolean rightAxis, boolean xAxis) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            if (!xAxis && s.rightAxis() != rightAxis) {
                continue;
            }
            for (int i = 0; i < s.x().length; i++) {
                double v = xAxis ? xValue(s.x()[i]) : s.y()[i];
                if (Double.isFinite(v) && Double.isFinite(xAxis ? s.y()[i] : xValue(s.x()[i]))) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!Double.isFinite(lo)) {
            return new double[] {0, 1};
        }
        if (!(lo < hi)) {
            return new double[] {lo - 1, hi + 1};
        }
        double pad = xAxis ? 0 : 0.05 * (hi - lo);
        return new double[] {lo - pad, hi + pad};
    }

    private static int px(double v, double[] r) {
        return MARGIN + (int) Math.round((WIDTH - 2 * MARGIN) * (v - r[0]) / (r[1] - r[0]));
    }

    private static int py(double v, double[] r) {
        return HEIGHT - MARGIN - (int) Math.round((HEIGHT - 2 * MARGIN - 30) * (v - r[0]) / (r[1] - r[0]));
    }

    private void drawAxes(Graphics2D g, double[] xr, double[] left, double[] right) {
        g.setColor(Color.BLACK);
        g.drawRect(MARGIN, MARGIN + 30, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN - 30);
        for (int i = 0; i <= 5; i++) {
            double xv = xr[0] + (xr[1] - xr[0]) * i / 5;
            int x = px(xv, xr);
            g.drawLine(x, HEIGHT - MARGIN, x, HEIGHT - MARGIN + 5);
            String xt = logX ? String.format(Locale.ROOT, "%.2g", Math.pow(10, xv)) : tick(xv);
            g.drawString(xt, x - 12, HEIGHT - MARGIN + 20);
            double lv = left[0] + (left[1] - left[0]) * i / 5;
            int y = py(lv, left);
            g.drawLine(MARGIN - 5, y, MARGIN, y);
            g.drawString(tick(lv), 8, y + 4);
            if (right != null) {
                double rv = right[0] + (right[1] - right[0]) * i / 5;
                g.drawLine(WIDTH - MARGIN, y, WIDTH - MARGIN + 5, y);
                g.drawString(tick(rv), WIDTH - MARGIN + 8, y + 4);
            }
        }
        g.drawString(xLabel + (logX ? " (log scale)" : ""), WIDTH / 2 - 40, HEIGHT - 25);
        g.drawString(yLabel, 8, MARGIN + 22);
        if (right != null) {
            g.drawString(rightLabel, WIDTH - MARGIN - 40, MARGIN + 22);
        }
    }

    private static String tick(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private void drawSeries(Graphics2D g, Series s, double[] xr, double[] yr, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(2f));
        int prevX = 0;
        int prevY = 0;
        boolean have = false;
        int finite = 0;
        for (int i = 0; i < s.x().length; i++) {
            if (Double.isFinite(xValue(s.x()[i])) && Double.isFinite(s.y()[i])) {
                finite++;
            }
        }
        for (int i = 0; i < s.x().length; i++) {
            double xv = xValue(s.x()[i]);
            if (!Double.isFinite(xv) || !Double.isFinite(s.y()[i])) {
                continue;
            }
            int x = px(xv, xr);
            int y = py(s.y()[i], yr);
            if (have) {
                g.drawLine(prevX, prevY, x, y);
            }
            if (finite <= 12) { // dots mark the points of short series
                g.fillOval(x - 3, y - 3, 6, 6);
            }
            prevX = x;
            prevY = y;
            have = true;
        }
    }
}
