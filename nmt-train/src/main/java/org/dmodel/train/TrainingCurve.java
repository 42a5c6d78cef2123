package org.dmodel.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.dmodel.plot.LinePlot;

/**
 * The training curve PNG of a run: training and validation loss (left axis, bits per token) and validation BLEU
 * (right axis) against update steps, written atomically. Stateless.
 */
public final class TrainingCurve {
    private TrainingCurve() {}

    /** One (step, value) point. */
    public record Point(long step, double value) {}

    /** Writes the plot; {@code validLoss} and {@code bleu} may be empty. */
    public static void write(Path png, List<Point> trainLoss, List<Point> validLoss, List<Point> bleu)
            throws IOException {
        LinePlot.Builder plot = LinePlot.builder().title("training curve")
                .labels("update step", "loss (bits/token)", "BLEU")
                .add(series("train loss", trainLoss, false))
                .add(series("valid loss", validLoss, false));
        if (!bleu.isEmpty()) {
            plot.add(series("valid BLEU", bleu, true));
        }
        plot.build().write(png);
    }

    private static LinePlot.Series series(String label, List<Point> points, boolean right) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i).step();
            y[i] = points.get(i).value();
        }
        return new LinePlot.Series(label, x, y, right);
    }
}
