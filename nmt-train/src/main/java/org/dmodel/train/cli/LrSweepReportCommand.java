package org.dmodel.train.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.io.AtomicFiles;
import org.dmodel.train.sweep.LrSweep;

/**
 * {@code bin/nmt-train lr-sweep-report}: reads the runs of {@code recipes/lr-transfer} (each run directory holds
 * {@code sweep.json} with its parameterization, shape and learning rate, and the trainer's {@code metrics.jsonl})
 * and writes {@code lr-transfer.md} (table and verdict, also printed) and {@code lr-transfer.png} (validation
 * loss against learning rate, one curve per parameterization and shape) into the sweep directory.
 */
public final class LrSweepReportCommand extends CommandLineTool {
    @Override
    protected String name() {
        return "nmt-train lr-sweep-report";
    }

    @Override
    protected String synopsis() {
        return "--work DIR --base WIDTHxLAYERS";
    }

    @Override
    protected void declare(OptionTable t) {
        t.value("work", null, "DIR", null, "the sweep directory (one subdirectory per run)");
        t.value("base", null, "DxL", null, "the base shape of the transfer rules, e.g. 128x2");
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        Path work = Path.of(t.require(cmd, "work"));
        String base = t.require(cmd, "base");
        String[] dl = base.split("x");
        if (dl.length != 2 || !dl[0].matches("\\d+") || !dl[1].matches("\\d+")) {
            throw new UsageException("--base " + base + ": expected WIDTHxLAYERS, e.g. 128x2");
        }
        List<LrSweep.Run> runs = readRuns(work);
        if (runs.isEmpty()) {
            throw new UsageException(work + ": no finished runs (no */sweep.json). Run recipes/lr-transfer/run.sh first.");
        }
        LrSweep sweep = new LrSweep(runs, "d" + dl[0] + "×L" + dl[1]);
        String report = "Final validation loss (bits per target token) after the same number of updates; bold = best"
                + " per row.\n\n" + sweep.markdown() + "\n" + sweep.verdict();
        AtomicFiles.writeString(work.resolve("lr-transfer.md"), report);
        LrSweepPlot.write(work.resolve("lr-transfer.png"), sweep);
        System.out.print(report);
        return 0;
    }

    /** Every finished run under {@code work}: sweep.json plus the last validation loss of metrics.jsonl. */
    static List<LrSweep.Run> readRuns(Path work) throws IOException {
        if (!Files.isDirectory(work)) {
            throw new UsageException(work + ": not a directory");
        }
        List<LrSweep.Run> runs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(work)) {
            for (Path dir : dirs.sorted().toList()) {
                Path meta = dir.resolve("sweep.json");
                if (!Files.isRegularFile(meta)) {
                    continue;
                }
                JsonObject o = parse(meta, Files.readString(meta, StandardCharsets.UTF_8));
                runs.add(new LrSweep.Run(o.get("param").getAsString(), o.get("dModel").getAsInt(),
                        o.get("layers").getAsInt(), o.get("lr").getAsDouble(), lastValidLoss(dir.resolve("metrics.jsonl"))));
            }
        }
        return runs;
    }

    private static double lastValidLoss(Path metrics) throws IOException {
        if (!Files.isRegularFile(metrics)) {
            throw new UsageException(metrics + ": missing; the run did not finish. Delete its directory and rerun the sweep.");
        }
        double loss = Double.NaN;
        int line = 0;
        for (String s : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
            line++;
            if (s.isBlank()) {
                continue;
            }
            JsonObject o = parse(Path.of(metrics + ":" + line), s);
            if ("valid".equals(o.get("kind").getAsString()) && o.has("nll")) {
                loss = o.get("nll").getAsDouble();
            }
        }
        return loss;
    }

    private static JsonObject parse(Path where, String text) {
        try {
            return JsonParser.parseString(text).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new UsageException(where + ": not valid JSON (" + e.getMessage() + "). Delete the run and rerun it.");
        }
    }
}
