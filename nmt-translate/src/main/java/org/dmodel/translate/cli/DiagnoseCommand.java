package org.dmodel.translate.cli;

import ai.djl.ndarray.NDManager;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.config.ModelConfig;
import org.dmodel.diagnostics.CollapseDiagnostics;
import org.dmodel.diagnostics.CollapseReport;
import org.dmodel.engine.Engines;
import org.dmodel.io.AtomicFiles;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.io.TextLines;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.search.Hypothesis;
import org.dmodel.search.SearchOptions;
import org.dmodel.search.SearchStrategies;
import org.dmodel.text.SpecialIds;

/**
 * {@code bin/nmt-diagnose}: representational-collapse diagnostics of a trained model (papers.md §4) over the first
 * sentences of a file, teacher-forced on a reference or, without one, on the model's own greedy translation. Prints
 * the text table to stdout; with {@code -o PREFIX} also writes PREFIX.json, PREFIX.txt and PREFIX.png atomically.
 */
public final class DiagnoseCommand extends CommandLineTool {
    public static void main(String[] args) {
        new DiagnoseCommand().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-diagnose";
    }

    @Override
    protected String synopsis() {
        return "-m MODEL_DIR -i SOURCE [-r TARGET] [-o OUTPUT_PREFIX] [options]";
    }

    @Override
    protected void declare(OptionTable t) {
        t.value("model", "m", "DIR", null, "model directory (config.json, parameters, SentencePiece model, manifest)");
        t.value("input", "i", "FILE", null, "source sentences, one per line, plain or .gz (empty lines are skipped)");
        t.value("reference", "r", "FILE", null, "target sentences aligned with the input; without it the target side is "
                + "the model's own greedy translation");
        t.value("output", "o", "PREFIX", null, "also write PREFIX.json, PREFIX.txt and PREFIX.png");
        t.value("max-sentences", null, "N", "200", "measure the first N non-empty input lines");
        t.value("batch-size", null, "N", "16", "sentences per forward pass");
        t.value("device", null, "DEV", "cpu", "cpu, gpu or gpu:N");
        t.value("threads", null, "N", "0", "intra-op threads and statistics workers (0: all cores)");
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        Path modelDir = Path.of(t.require(cmd, "model"));
        Path input = Path.of(t.require(cmd, "input"));
        String reference = t.get(cmd, "reference");
        String output = t.get(cmd, "output");
        int maxSentences = t.getInt(cmd, "max-sentences", 1);
        int batch = t.getInt(cmd, "batch-size", 1);
        int threads = t.getInt(cmd, "threads", 0);
        if (threads > 0) {
            Engines.setThreads(threads);
        }
        try (LoadedModel loaded = ModelDirectory.load(modelDir, Engines.device(t.require(cmd, "device")))) {
            Seq2SeqModel model = loaded.block();
            ModelConfig config = loaded.config();
            List<int[]> sources = new ArrayList<>();
            List<int[]> targets = new ArrayList<>();
            read(loaded, input, reference == null ? null : Path.of(reference), maxSentences, sources, targets);
            if (sources.isEmpty()) {
                throw new UsageException(input + ": no non-empty line to measure. Give a file with source sentences.");
            }
            CollapseReport report;
            try (NDManager manager = loaded.model().getNDManager().newSubManager()) {
                if (reference == null) {
                    targets = greedyTargets(model, config, sources, batch, loaded.vocabularies().target().specialIds(), manager);
                }
                report = CollapseDiagnostics.measure(model, sources, targets, batch,
                        threads > 0 ? threads : Runtime.getRuntime().availableProcessors(), manager);
            }
            String table = report.toTable();
            System.out.print(table);
            if (output != null) {
                JsonObject json = new JsonObject();
                json.addProperty("model", modelDir.toString());
                json.addProperty("input", input.toString());
                json.addProperty("target", reference == null ? "greedy" : reference);
                report.toJson().entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
                AtomicFiles.writeString(Path.of(output + ".json"),
                        new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n");
                AtomicFiles.writeString(Path.of(output + ".txt"), table);
                report.writePlot(Path.of(output + ".png"));
                System.err.println("wrote " + output + ".json, " + output + ".txt, " + output + ".png");
            }
        }
        return 0;
    }

    /**
     * Reads up to {@code max} non-empty source lines (ids + EOS) and, with a reference, their targets ([BOS] + ids);
     * a pair that does not fit the model's positions is skipped with a warning naming its line.
     */
    private static void read(LoadedModel loaded, Path input, Path reference, int max, List<int[]> sources,
                             List<int[]> targets) throws java.io.IOException {
        ModelConfig config = loaded.config();
        SpecialIds sourceIds = loaded.vocabularies().source().specialIds();
        SpecialIds targetIds = loaded.vocabularies().target().specialIds();
        try (TextLines in = TextLines.open(input); TextLines ref = reference == null ? null : TextLines.open(reference)) {
            for (String line = in.next(); line != null && sources.size() < max; line = in.next()) {
                String target = null;
                if (ref != null && (target = ref.next()) == null) {
                    throw new UsageException(reference + ":" + in.lineNumber() + ": missing; the reference ends before "
                            + input + ". Give one reference line per input line.");
                }
                int[] source = loaded.vocabularies().source().encode(line);
                if (source.length == 0) {
                    continue;
                }
                source = sourceIds.withEos(source);
                int[] targetIn = null;
                int positions = source.length;
                if (target != null) {
                    int[] tokens = loaded.vocabularies().target().encode(target);
                    targetIn = new int[tokens.length + 1];
                    targetIn[0] = targetIds.bos();
                    System.arraycopy(tokens, 0, targetIn, 1, tokens.length);
                    positions = config.architecture() == ModelConfig.Architecture.LWC ? source.length + targetIn.length
                            : Math.max(source.length, targetIn.length);
                }
                if (positions > config.maxPositions() - (target == null ? 2 : 0)) {
                    System.err.println(input + ":" + in.lineNumber() + ": warning: needs " + positions + " positions, the"
                            + " model has " + config.maxPositions() + "; skipped");
                    continue;
                }
                sources.add(source);
                if (targetIn != null) {
                    targets.add(targetIn);
                }
            }
        }
    }

    /** [BOS] + the model's greedy translation of each source, within the model's positions. */
    private static List<int[]> greedyTargets(Seq2SeqModel model, ModelConfig config, List<int[]> sources, int batch,
                                             SpecialIds ids, NDManager manager) {
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < sources.size(); from += batch) {
            int[][] src = sources.subList(from, Math.min(sources.size(), from + batch)).toArray(new int[0][]);
            int longest = 0;
            for (int[] s : src) {
                longest = Math.max(longest, s.length);
            }
            int room = config.maxPositions() - 1 - (config.architecture() == ModelConfig.Architecture.LWC ? longest : 0);
            SearchOptions options = SearchOptions.DEFAULTS.withBeam(1).withSpecialIds(ids)
                    .withMaxLen(0, Math.max(1, Math.min(2 * longest + 10, room)));
            for (List<Hypothesis> h : SearchStrategies.forOptions(options).search(model, src, options, manager)) {
                int[] tokens = h.isEmpty() ? new int[0] : h.get(0).tokens();
                int[] targetIn = new int[tokens.length + 1];
                targetIn[0] = ids.bos();
                System.arraycopy(tokens, 0, targetIn, 1, tokens.length);
                out.add(targetIn);
            }
        }
        return out;
    }
}
