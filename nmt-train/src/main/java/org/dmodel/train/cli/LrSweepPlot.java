package org.dmodel.train.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.dmodel.plot.LinePlot;
import org.dmodel.train.sweep.LrSweep;

/** The PNG of a learning-rate sweep: final validation loss against learning rate, one line per curve. Stateless. */
final class LrSweepPlot {
    private LrSweepPlot() {}

    static void write(Path png, LrSweep sweep) throws IOException {
        LinePlot.Builder plot = LinePlot.builder().title("learning-rate transfer: validation loss vs peak learning rate")
                .labels("peak learning rate", "valid loss (bits/token)", "").logX(true);
        for (LrSweep.Curve c : sweep.curves()) {
            double[] x = c.runs().stream().mapToDouble(LrSweep.Run::lr).toArray();
            double[] y = c.runs().stream().mapToDouble(LrSweep.Run::validLoss).toArray();
            plot.add(new LinePlot.Series(c.param() + " " + c.shape(), x, y));
        }
        plot.build().write(png);
    }
}
