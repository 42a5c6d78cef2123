package org.dmodel.train.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report reads finished runs (sweep.json + metrics.jsonl), skips unfinished ones and writes table and PNG. */
class LrSweepReportCommandTest {
    private static void run(Path work, String param, int d, double lr, double loss) throws Exception {
        Path dir = work.resolve(param + "-d" + d + "-lr" + lr);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("sweep.json"), String.format(Locale.ROOT,
                "{\"param\": \"%s\", \"dModel\": %d, \"layers\": 2, \"lr\": %s, \"steps\": 100}%n", param, d, lr));
        Files.writeString(dir.resolve("metrics.jsonl"), String.format(Locale.ROOT,
                "{\"kind\":\"train\",\"step\":100,\"loss\":9.0}%n{\"kind\":\"valid\",\"step\":100,\"loss\":%s,\"nll\":%s}%n",
                loss + 0.1, loss));
    }

    @Test
    void writesTableVerdictAndPlot(@TempDir Path work) throws Exception {
        double[] lrs = {1e-4, 1e-3, 1e-2};
        double[] losses = {6, 5, 7};
        for (int i = 0; i < lrs.length; i++) {
            run(work, "nugpt", 128, lrs[i], losses[i]);
            run(work, "nugpt", 256, lrs[i], losses[i] - 0.5);
        }
        Files.createDirectories(work.resolve("unfinished")); // no sweep.json: ignored
        assertEquals(0, new LrSweepReportCommand().execute("--work", work.toString(), "--base", "128x2"));
        String md = Files.readString(work.resolve("lr-transfer.md"));
        assertTrue(md.contains("| nugpt | d128×L2 |"), md);
        assertTrue(md.contains("**4.500**"), md);
        assertTrue(md.contains("nugpt: the best grid learning rate did not move"), md);
        assertTrue(Files.size(work.resolve("lr-transfer.png")) > 1000);
    }

    @Test
    void badArgumentsExitTwo(@TempDir Path work) throws Exception {
        assertEquals(2, new LrSweepReportCommand().execute("--work", work.toString(), "--base", "128"));
        assertEquals(2, new LrSweepReportCommand().execute("--work", work.toString(), "--base", "128x2"),
                "no finished runs");
    }
}
