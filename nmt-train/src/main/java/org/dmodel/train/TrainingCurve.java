package org.dmodel.train;

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
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the training curve as a PNG: training loss (left axis) and validation BLEU (right axis) against
 * update steps. Written atomically (temp file + rename); rendering is headless. Stateless.
 */
public final class TrainingCurve {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;
    private static final int MARGIN = 70;

    private TrainingCurve() {}

    /** One (step, value) point. */
    public record Point(long step, double value) {}

    /**
     * Writes the plot; {@code bleu} may be empty (then validation loss, if given, is drawn in its place).
     */
    public static void write(Path png, List<Point> trainLoss, List<Point> validLoss, List<Point> bleu)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            long maxStep = 1;
            for (List<Point> series : List.of(trainLoss, validLoss, bleu)) {
                for (Point p : series) {
                    maxStep = Math.max(maxStep, p.step());
                }
            }
            double[] lossRange = range(trainLoss, validLoss);
            double[] bleuRange = bleu.isEmpty() ? new double[] {0, 1} : new double[] {0, Math.max(1, max(bleu) * 1.1)};
            drawAxes(g, maxStep, lossRange, bleu.isEmpty() ? null : bleuRange);
            drawSeries(g, trainLoss, maxStep, lossRange, new Color(31, 119, 180));
            drawSeries(g, validLoss, maxStep, lossRange, new Color(255, 127, 14));
            drawSeries(g, bleu, maxStep, bleuRange, new Color(44, 160, 44));
            g.setColor(Color.BLACK);
            int y = 20;
            g.setColor(new Color(31, 119, 180));
            g.drawString("train loss (bits)", MARGIN, y);
            g.setColor(new Color(255, 127, 14));
            g.drawString("valid loss (bits)", MARGIN + 140, y);
            if (!bleu.isEmpty()) {
                g.setColor(new Color(44, 160, 44));
                g.drawString("valid BLEU (right axis)", MARGIN + 280, y);
            }
        } finally {
            g.dispose();
        }
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
        ImageIO.write(img, "png", tmp.toFile());
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static double max(List<Point> s) {
        double m = Double.NEGATIVE_INFINITY;
        for (Point p : s) {
            if (Double.isFinite(p.value())) {
                m = Math.max(m, p.value());
            }
        }
        return m;
    }

    private static double[] range(List<Point> a, List<Point> b) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (List<Point> s : List.of(a, b)) {
            for (Point p : s) {
                if (Double.isFinite(p.value())) {
                    lo = Math.min(lo, p.value());
                    hi = Math.max(hi, p.value());
                }
            }
        }
        if (!(lo < hi)) {
            return new double[] {Double.isFinite(lo) ? lo - 1 : 0, Double.isFinite(hi) ? hi + 1 : 1};
        }
        return new double[] {Math.max(0, lo - 0.05 * (hi - lo)), hi + 0.05 * (hi - lo)};
    }

    private static int x(long step, long maxStep) {
        return MARGIN + (int) ((WIDTH - 2 * MARGIN) * (double) step / maxStep);
    }

    private static int y(double v, double[] r) {
        return HEIGHT - MARGIN - (int) ((HEIGHT - 2 * MARGIN) * (v - r[0]) / (r[1] - r[0]));
    }

    private static void drawAxes(Graphics2D g, long maxStep, double[] left, double[] right) {
        g.setColor(Color.BLACK);
        g.drawRect(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN);
        for (int i = 0; i <= 5; i++) {
            long step = maxStep * i / 5;
            int px = x(step, maxStep);
            g.drawLine(px, HEIGHT - MARGIN, px, HEIGHT - MARGIN + 5);
            g.drawString(Long.toString(step), px - 10, HEIGHT - MARGIN + 20);
            double lv = left[0] + (left[1] - left[0]) * i / 5;
            int py = y(lv, left);
            g.drawLine(MARGIN - 5, py, MARGIN, py);
            g.drawString(String.format(Locale.ROOT, "%.2f", lv), 10, py + 4);
            if (right != null) {
                double rv = right[0] + (right[1] - right[0]) * i / 5;
                g.drawLine(WIDTH - MARGIN, py, WIDTH - MARGIN + 5, py);
                g.drawString(String.format(Locale.ROOT, "%.1f", rv), WIDTH - MARGIN + 8, py + 4);
            }
        }
        g.drawString("update step", WIDTH / 2 - 30, HEIGHT - 25);
    }

    private static void drawSeries(Graphics2D g, List<Point> s, long maxStep, double[] r, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(2f));
        Point prev = null;
        for (Point p : s) {
            if (!Double.isFinite(p.value())) {
                continue;
            }
            if (prev != null) {
                g.drawLine(x(prev.step(), maxStep), y(prev.value(), r), x(p.step(), maxStep), y(p.value(), r));
            } else if (s.size() == 1) {
                g.fillOval(x(p.step(), maxStep) - 3, y(p.value(), r) - 3, 6, 6);
            }
            prev = p;
        }
    }
}
