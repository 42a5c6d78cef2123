package org.dmodel.translate.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import com.google.gson.GsonBuilder;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.config.ConfigJson;
import org.dmodel.engine.PeakMemory;
import org.dmodel.io.AtomicFiles;
import org.dmodel.io.ModelDirectory;
import org.dmodel.io.TestHooks;
import org.dmodel.io.TextLines;
import org.dmodel.model.ModelSummary;
import org.dmodel.translate.Translation;
import org.dmodel.translate.Translator;
import org.dmodel.translate.TranslatorOptions;

/**
 * {@code bin/nmt-translate}: translates a file or stdin line by line with a trained model, keeping one
 * output line per input line in input order; optionally scores the output against a reference.
 */
public final class TranslateCommand extends CommandLineTool {
    /** Lines read, sorted by length and translated together (fairseq's --buffer-size). */
    private static final int BUFFER_LINES = 20_000;

    public static void main(String[] args) {
        new TranslateCommand().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-translate";
    }

    @Override
    protected String synopsis() {
        return "-m MODEL_DIR [-i IN] [-o OUT] [options]  |  --model-info MODEL_DIR";
    }

    @Override
    protected void declare(OptionTable t) {
        t.value("model", "m", "DIR", null, "model directory (config.json, parameters, SentencePiece model, manifest)");
        t.value("input", "i", "FILE", null, "input text, one sentence per line, plain or .gz (default: stdin)");
        t.value("output", "o", "FILE", null, "output file, written atomically at the end (default: stdout)");
        t.value("reference", "r", "FILE", null, "score the output against this reference (BLEU and chrF, sacreBLEU-compatible)");
        t.value("model-info", null, "DIR", null, "print the model summary (parameters, layers, cache sizes) as JSON and exit");
        TranslatorOptionTable.declare(t);
        TranslatorOptionTable.declareWorkers(t);
        t.flag("quiet", "q", "no progress bar");
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        String info = t.get(cmd, "model-info");
        if (info != null) {
            Path dir = Path.of(info);
            ModelDirectory.verify(dir);
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(
                    ModelSummary.of(ConfigJson.read(dir.resolve(ModelDirectory.CONFIG)))));
            return 0;
        }
        Path modelDir = Path.of(t.require(cmd, "model"));
        TranslatorOptions options = TranslatorOptionTable.withWorkers(cmd, t, TranslatorOptionTable.resolve(cmd, t));
        String in = t.get(cmd, "input");
        String out = t.get(cmd, "output");
        String ref = t.get(cmd, "reference");
        boolean progress = out != null && !t.has(cmd, "quiet");
        Path outPath = out == null ? null : Path.of(out);
        List<String> hypotheses = ref == null ? null : new ArrayList<>();
        try (Translator translator = Translator.load(modelDir, options);
                TextLines lines = in == null ? TextLines.of(System.in, "<stdin>") : TextLines.open(Path.of(in))) {
            if (outPath == null) {
                Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                translateAll(translator, options, lines, w, hypotheses, false, null);
                w.flush();
            } else {
                // written to a temporary file, fsynced and renamed over -o at the end: a run that fails or is
                // killed leaves no partial output and an earlier file intact
                AtomicFiles.write(outPath, stream -> {
                    Writer w = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                    translateAll(translator, options, lines, w, hypotheses, progress, outPath);
                    w.flush();
                });
            }
        }
        if (ref != null) {
            Scores.print(Path.of(ref), hypotheses, System.err);
        }
        return 0;
    }

    /** Translates every line of {@code lines} into {@code w}; collects the best hypotheses when asked. */
    private static void translateAll(Translator translator, TranslatorOptions options, TextLines lines, Writer w,
            List<String> hypotheses, boolean progress, Path outPath) throws IOException {
        int nbest = options.search().nbest();
        long done = 0;
        long started = System.nanoTime();
        List<String> buffer = new ArrayList<>();
        while (true) {
            buffer.clear();
            long firstLine = lines.lineNumber() + 1;
            String l;
            while (buffer.size() < BUFFER_LINES && (l = lines.next()) != null) {
                buffer.add(l);
            }
            if (buffer.isEmpty()) {
                break;
            }
            List<List<Translation>> results = translator.translateNBest(buffer, nbest, i -> System.err.println(
                    lines.name() + ":" + (firstLine + i) + ": warning: longer than " + options.maxSourceTokens()
                            + " tokens; truncated (raise --max-source-tokens)"));
            for (int i = 0; i < results.size(); i++) {
                List<Translation> r = results.get(i);
                if (nbest > 1) {
                    for (Translation tr : r) {
                        w.write((done + i) + " ||| " + tr.text() + " ||| "
                                + String.format(Locale.ROOT, "%.4f", tr.score()) + "\n");
                    }
                } else {
                    w.write(r.get(0).text());
                    w.write('\n');
                }
                if (hypotheses != null) {
                    hypotheses.add(r.get(0).text());
                }
            }
            done += results.size();
            if (outPath != null) {
                w.flush();
                TestHooks.reached("translate.output", outPath); // part of the output written, -o not yet replaced
            }
            if (progress) {
                double secs = (System.nanoTime() - started) / 1e9;
                System.err.printf(Locale.ROOT, "\rtranslated %d sentences, %.1f sentences/s", done, done / secs);
            }
        }
        if (progress) {
            System.err.printf(Locale.ROOT, ", peak RSS %d MiB%n", PeakMemory.peakRssBytes() >> 20);
        }
    }
}
