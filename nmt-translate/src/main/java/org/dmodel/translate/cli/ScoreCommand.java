package org.dmodel.translate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.io.TextLines;
import org.dmodel.metric.ApproximateRandomization;
import org.dmodel.metric.Bleu;
import org.dmodel.metric.Chrf;
import org.dmodel.metric.Confidence;
import org.dmodel.metric.Metric;
import org.dmodel.metric.PairedBootstrap;
import org.dmodel.metric.Score;
import org.dmodel.metric.ScoreFormat;
import org.dmodel.metric.Signature;
import org.dmodel.metric.Statistics;
import org.dmodel.metric.Ter;
import org.dmodel.metric.tokenize.PythonText;
import org.dmodel.metric.tokenize.Tokenizers;

/**
 * {@code bin/nmt-score}: BLEU, chrF/chrF++ and TER with sacreBLEU's command line and output, so either tool
 * can replace the other: {@code nmt-score REF [REF ...] -i HYP -m bleu chrf ter --format json -w 2}.
 * Hypotheses come from {@code -i} (several files: one system each) or from stdin (tab-separated columns: one
 * system each). Corpus scores print as sacreBLEU's JSON (default) or text line; {@code -sl} prints one text
 * line per sentence; {@code --confidence} adds bootstrap intervals, and {@code --paired-bs} (bootstrap) or
 * {@code --paired-ar} (approximate randomization) compares systems with the first, all with sacreBLEU's seed
 * 12345. Files are read as strict UTF-8, split on {@code \n} only, with trailing whitespace removed, as
 * sacreBLEU reads them ({@code .gz} files are decompressed).
 */
public final class ScoreCommand extends CommandLineTool {
    private static final List<String> METRICS = List.of("bleu", "chrf", "ter");

    /** Runs {@code nmt-score} and exits with its status. */
    public static void main(String[] args) {
        new ScoreCommand().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-score";
    }

    @Override
    protected String synopsis() {
        return "REF [REF ...] [-i HYP [HYP ...]] [-m bleu chrf ter] [options]";
    }

    @Override
    protected void declare(OptionTable t) {
        t.values("input", "i", "HYP", null, "hypothesis file(s), one system each; stdin when absent")
                .values("metrics", "m", "METRIC", "bleu", "metrics to compute: bleu, chrf, ter")
                .flag("sentence-level", "sl", "print the metric for each sentence")
                .value("smooth-method", "s", "METHOD", "exp", "BLEU smoothing: exp, floor, add-k, none")
                .value("smooth-value", "sv", "VALUE", null, "BLEU smoothing value for floor (0.1) and add-k (1)")
                .value("tokenize", "tok", "TOK", Tokenizers.DEFAULT, "BLEU tokenizer: " + String.join(", ", Tokenizers.NAMES))
                .flag("lowercase", "lc", "case-insensitive BLEU")
                .flag("force", null, "do not warn about hypotheses that look tokenized")
                .value("chrf-char-order", "cc", "N", "6", "chrF character n-gram order")
                .value("chrf-word-order", "cw", "N", "0", "chrF word n-gram order (2 = chrF++)")
                .value("chrf-beta", null, "N", "2", "chrF recall weight")
                .flag("chrf-whitespace", null, "keep whitespace in chrF character n-grams")
                .flag("chrf-lowercase", null, "case-insensitive chrF")
                .flag("chrf-eps-smoothing", null, "chrF++.py's epsilon smoothing instead of effective order")
                .flag("ter-case-sensitive", null, "case-sensitive TER")
                .flag("ter-asian-support", null, "TER: split CJK characters, remove CJK punctuation")
                .flag("ter-no-punct", null, "TER: remove punctuation")
                .flag("ter-normalized", null, "TER: Tercom's normalization and tokenization")
                .flag("confidence", "ci", "report 95% bootstrap confidence intervals (seed 12345)")
                .value("confidence-n", "cin", "N", "1000", "bootstrap resamples for --confidence")
                .flag("paired-bs", "pbs", "paired bootstrap test of each system against the first (seed 12345)")
                .value("paired-bs-n", "pbsn", "N", "1000", "bootstrap resamples for --paired-bs")
                .flag("paired-ar", "par", "paired approximate randomization test of each system against the first (seed 12345)")
                .value("paired-ar-n", "parn", "N", "10000", "trials for --paired-ar")
                .flag("quiet", "q", "no informational messages")
                .flag("short", "sh", "abbreviated signatures")
                .flag("score-only", "b", "print the score only")
                .value("width", "w", "N", "1", "decimals to print")
                .value("format", "f", "FORMAT", "json", "output format: json or text")
                .flag("no-color", "nc", "accepted for sacreBLEU compatibility; output is never colored")
                .flag("version", "V", "print the version and exit");
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws IOException {
        if (t.has(cmd, "version")) {
            System.out.println(name() + " " + Signature.VERSION);
            return 0;
        }
        String format = last(cmd, t, "format");
        if (!format.equals("json") && !format.equals("text")) {
            throw new UsageException("--format " + format + ": use json or text.");
        }
        boolean sentenceLevel = t.has(cmd, "sentence-level");
        boolean pairedAr = t.has(cmd, "paired-ar");
        boolean paired = t.has(cmd, "paired-bs") || pairedAr;
        if (pairedAr && t.has(cmd, "paired-bs")) {
            throw new UsageException("--paired-bs and --paired-ar exclude each other; ask for one test.");
        }
        boolean confidence = t.has(cmd, "confidence");
        int width = whole(cmd, t, "width", 0);
        boolean scoreOnly = t.has(cmd, "score-only");
        boolean shortSig = t.has(cmd, "short");

        TreeSet<String> metricNames = new TreeSet<>();
        for (String m : cmd.hasOption("metrics") ? cmd.getOptionValues("metrics") : new String[] {"bleu"}) {
            String lower = m.toLowerCase(Locale.ROOT);
            if (!METRICS.contains(lower)) {
                throw new UsageException("-m " + m + ": unknown metric. Use bleu, chrf or ter.");
            }
            metricNames.add(lower);
        }
        if (sentenceLevel && metricNames.size() > 1) {
            throw new UsageException("only one metric can be used in sentence-level mode (-sl).");
        }
        List<String> refFiles = cmd.getArgList();
        if (refFiles.isEmpty()) {
            throw new UsageException("no reference files given. Name them before -i: nmt-score REF [REF ...] -i HYP.");
        }
        List<List<String>> refs = new ArrayList<>();
        for (String f : refFiles) {
            refs.add(readLines(f));
        }
        List<String> sysNames = new ArrayList<>();
        List<List<String>> systems = readSystems(cmd, paired, sysNames);
        if (sentenceLevel && systems.size() > 1) {
            throw new UsageException("only one system can be evaluated in sentence-level mode (-sl).");
        }
        if (sentenceLevel && (confidence || paired)) {
            throw new UsageException("statistical tests are unavailable in sentence-level mode (-sl).");
        }
        if (paired && systems.size() == 1) {
            throw new UsageException("paired tests need several systems given to --input (-i).");
        }
        if (systems.size() > 1 && confidence) {
            throw new UsageException("use --paired-bs for several systems; --confidence is for one.");
        }
        for (int s = 0; s < systems.size(); s++) {
            for (int r = 0; r < refs.size(); r++) {
                if (systems.get(s).size() != refs.get(r).size()) {
                    throw new UsageException(sysNames.get(s) + " has " + systems.get(s).size() + " lines but "
                            + refFiles.get(r) + " has " + refs.get(r).size()
                            + ". Give one hypothesis per reference line, in the same order.");
                }
            }
        }

        List<Metric> metrics = new ArrayList<>();
        for (String m : metricNames) {
            metrics.add(createMetric(m, cmd, t, sentenceLevel));
        }
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        int nRefs = refs.size();
        if (sentenceLevel) {
            Metric metric = metrics.get(0);
            Statistics stats = metric.statistics(systems.get(0), refs);
            String sig = metric.signature(nRefs).format(shortSig);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < stats.segments(); i++) {
                sb.append(ScoreFormat.text(metric.score(stats.row(i)), sig, width, scoreOnly, null)).append('\n');
            }
            out.print(sb);
        } else if (systems.size() == 1) {
            List<String> results = new ArrayList<>();
            int resamples = whole(cmd, t, "confidence-n", 1);
            for (Metric metric : metrics) {
                Statistics stats = metric.statistics(systems.get(0), refs);
                Score score = metric.score(stats.sum());
                Signature sig = metric.signature(nRefs);
                Confidence ci = null;
                if (confidence) {
                    ci = PairedBootstrap.confidence(metric, stats, resamples, Signature.BOOTSTRAP_SEED);
                    sig = sig.withBootstrap(resamples, Signature.BOOTSTRAP_SEED);
                }
                if (format.equals("json") && !scoreOnly) {
                    results.add(ScoreFormat.json(score, sig, width, ci));
                } else {
                    results.add(ScoreFormat.text(score, sig.format(shortSig && !format.equals("json")), width,
                            scoreOnly, ci));
                }
            }
            out.print(singleSystemOutput(results, format.equals("json")));
        } else {
            MultiSystemReport report = new MultiSystemReport(sysNames, width, shortSig);
            int resamples = whole(cmd, t, pairedAr ? "paired-ar-n" : "paired-bs-n", 1);
            for (Metric metric : metrics) {
                List<Statistics> stats = new ArrayList<>();
                for (List<String> sys : systems) {
                    stats.add(metric.statistics(sys, refs));
                }
                if (pairedAr) {
                    List<PairedBootstrap.Result> res = ApproximateRandomization.pairedTest(metric, stats.get(0),
                            stats.subList(1, stats.size()), resamples, Signature.BOOTSTRAP_SEED);
                    report.addPaired(res, metric.signature(nRefs).withRandomization(resamples, Signature.BOOTSTRAP_SEED));
                } else if (paired) {
                    List<PairedBootstrap.Result> res = PairedBootstrap.pairedTest(metric, stats.get(0),
                            stats.subList(1, stats.size()), resamples, Signature.BOOTSTRAP_SEED);
                    report.addPaired(res, metric.signature(nRefs).withBootstrap(resamples, Signature.BOOTSTRAP_SEED));
                } else {
                    List<Score> scores = new ArrayList<>();
                    for (Statistics s : stats) {
                        scores.add(metric.score(s.sum()));
                    }
                    report.addScores(scores, metric.signature(nRefs));
                }
            }
            String test = null;
            if (pairedAr) {
                test = "approximate randomization test with " + resamples + " trials";
            } else if (paired) {
                test = "bootstrap resampling test with " + resamples + " resampling trials";
            }
            out.print(format.equals("json") ? report.json() : report.text(test));
        }
        out.flush();
        return 0;
    }

    private Metric createMetric(String name, CommandLine cmd, OptionTable t, boolean sentenceLevel) {
        switch (name) {
            case "bleu": {
                Bleu.Smoothing smoothing;
                String tokenizer = last(cmd, t, "tokenize");
                try {
                    smoothing = Bleu.Smoothing.forName(last(cmd, t, "smooth-method"));
                    Tokenizers.forName(tokenizer);
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
                double smoothValue = last(cmd, t, "smooth-value") == null ? Double.NaN : number(cmd, t, "smooth-value");
                // sacreBLEU always uses effective order for sentence-level BLEU.
                return new Bleu(new Bleu.Options(tokenizer, t.has(cmd, "lowercase"), smoothing, smoothValue,
                        sentenceLevel, t.has(cmd, "force")));
            }
            case "chrf":
                return new Chrf(new Chrf.Options(whole(cmd, t, "chrf-char-order", 1), whole(cmd, t, "chrf-word-order", 0),
                        whole(cmd, t, "chrf-beta", 0), t.has(cmd, "chrf-lowercase"), t.has(cmd, "chrf-whitespace"),
                        t.has(cmd, "chrf-eps-smoothing")));
            case "ter":
                return new Ter(new Ter.Options(t.has(cmd, "ter-normalized"), t.has(cmd, "ter-no-punct"),
                        t.has(cmd, "ter-asian-support"), t.has(cmd, "ter-case-sensitive")));
            default:
                throw new IllegalStateException("unhandled metric " + name);
        }
    }

    /** The option's last value, as argparse keeps it when an option is repeated, else its default. */
    private static String last(CommandLine cmd, OptionTable t, String name) {
        String[] values = cmd.getOptionValues(name);
        return values != null && values.length > 0 ? values[values.length - 1] : t.get(cmd, name);
    }

    private static int whole(CommandLine cmd, OptionTable t, String name, int min) {
        String v = last(cmd, t, name);
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " " + v + ": expected a whole number.");
        }
        if (n < min) {
            throw new UsageException("--" + name + " " + v + ": must be at least " + min + ".");
        }
        return n;
    }

    private static double number(CommandLine cmd, OptionTable t, String name) {
        String v = last(cmd, t, name);
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " " + v + ": expected a number.");
        }
    }

    /** sacreBLEU's single-system output: JSON objects in a list when several, text lines aligned on '='. */
    private static String singleSystemOutput(List<String> results, boolean json) {
        StringBuilder sb = new StringBuilder();
        if (json || results.size() == 1) {
            sb.append(results.size() > 1 ? "[\n" + String.join(",\n", results) + "\n]" : results.get(0)).append('\n');
            return sb.toString();
        }
        int w = 0;
        for (String line : results) {
            w = Math.max(w, line.indexOf('=') - 1);
        }
        for (String line : results) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                sb.append(line).append('\n');
                continue;
            }
            String left = line.substring(0, eq - 1);
            sb.append(" ".repeat(Math.max(0, w - left.length()))).append(left).append(line.substring(eq - 1)).append('\n');
        }
        return sb.toString();
    }

    /** Hypotheses: one system per {@code -i} file, else one per tab-separated stdin column. */
    private static List<List<String>> readSystems(CommandLine cmd, boolean paired, List<String> names)
            throws IOException {
        List<List<String>> systems = new ArrayList<>();
        String[] inputs = cmd.getOptionValues("input");
        if (inputs != null && inputs.length > 0) {
            for (String f : inputs) {
                if (names.contains(f)) {
                    if (paired && f.equals(names.get(0))) {
                        continue; // sacreBLEU ignores the baseline given again
                    }
                    throw new UsageException(f + ": given twice to -i. Give each system once.");
                }
                systems.add(readLines(f));
                names.add(f);
            }
        } else {
            List<String> lines = decodeLines(System.in.readAllBytes(), "<stdin>", false);
            // sacreBLEU reads the first line even from an empty stream, and splits every line on tabs.
            String first = lines.isEmpty() ? "" : lines.get(0);
            String[] fields = PythonText.rstrip(first).split("\t", -1);
            for (int k = 0; k < fields.length; k++) {
                systems.add(new ArrayList<>());
                names.add("System " + (k + 1));
            }
            for (int i = 0; i < Math.max(1, lines.size()); i++) {
                String[] f = i == 0 ? fields : PythonText.rstrip(lines.get(i)).split("\t", -1);
                if (f.length != fields.length) {
                    throw new UsageException("<stdin>:" + (i + 1) + ": " + f.length + " tab-separated fields, but the first line has "
                            + fields.length + ". Give every system's hypothesis on every line.");
                }
                for (int k = 0; k < f.length; k++) {
                    systems.get(k).add(PythonText.rstrip(f[k]));
                }
            }
        }
        if (paired) {
            names.set(0, (inputs == null ? "Baseline" : "Baseline: " + names.get(0)));
        }
        return systems;
    }

    /** A file's lines as sacreBLEU reads them: strict UTF-8, split on '\n', trailing whitespace removed. */
    static List<String> readLines(String file) throws IOException {
        if (!Files.isRegularFile(Path.of(file))) {
            throw new UsageException(file + ": no such file. Check the path.");
        }
        try (TextLines lines = TextLines.open(Path.of(file))) {
            return collect(lines, true);
        }
    }

    /** Lines of an in-memory stream (stdin); {@code strip} removes trailing Python whitespace from each line. */
    static List<String> decodeLines(byte[] bytes, String name, boolean strip) throws IOException {
        try (TextLines lines = TextLines.of(new java.io.ByteArrayInputStream(bytes), name)) {
            return collect(lines, strip);
        }
    }

    private static List<String> collect(TextLines lines, boolean strip) throws IOException {
        List<String> out = new ArrayList<>();
        try {
            for (String l = lines.next(); l != null; l = lines.next()) {
                out.add(strip ? PythonText.rstrip(l) : l);
            }
        } catch (TextLines.MalformedTextException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return out;
    }

    /** sacreBLEU's multi-system output: a table (text) or a list of objects (json), per system. */
    private static final class MultiSystemReport {
        private final List<String> names;
        private final int width;
        private final boolean shortSig;
        private final List<String> metricNames = new ArrayList<>();
        private final List<Signature> signatures = new ArrayList<>();
        private final List<List<Score>> scores = new ArrayList<>();
        private final List<List<PairedBootstrap.Result>> paired = new ArrayList<>();

        MultiSystemReport(List<String> names, int width, boolean shortSig) {
            this.names = names;
            this.width = width;
            this.shortSig = shortSig;
        }

        void addScores(List<Score> s, Signature sig) {
            metricNames.add(s.get(0).name());
            signatures.add(sig);
            scores.add(s);
        }

        void addPaired(List<PairedBootstrap.Result> r, Signature sig) {
            metricNames.add(r.get(0).score().name());
            signatures.add(sig);
            paired.add(r);
        }

        /** sacreBLEU's {@code json.dumps(..., indent=4)} of one object per system. */
        String json() {
            StringBuilder sb = new StringBuilder("[\n");
            for (int s = 0; s < names.size(); s++) {
                sb.append("    {\n        \"system\": ").append(ScoreFormat.quote(names.get(s), true));
                for (int m = 0; m < metricNames.size(); m++) {
                    sb.append(",\n        ").append(ScoreFormat.quote(metricNames.get(m), true)).append(": ");
                    if (paired.isEmpty()) {
                        sb.append(ScoreFormat.quote(ScoreFormat.fixed(scores.get(m).get(s).score(), width)));
                    } else {
                        PairedBootstrap.Result r = paired.get(m).get(s);
                        Confidence c = r.confidence();
                        sb.append("{\n            \"score\": ").append(ScoreFormat.pythonRepr(r.score().score()))
                                .append(",\n            \"p_value\": ")
                                .append(Double.isNaN(r.pValue()) ? "null" : ScoreFormat.pythonRepr(r.pValue()))
                                .append(",\n            \"mean\": ").append(c == null ? "null" : ScoreFormat.pythonRepr(c.mean()))
                                .append(",\n            \"ci\": ").append(c == null ? "null" : ScoreFormat.pythonRepr(c.halfWidth()))
                                .append("\n        }");
                    }
                }
                sb.append("\n    }").append(s + 1 < names.size() ? ",\n" : "\n");
            }
            return sb.append("]\n").toString();
        }

        /**
         * A plain table (sacreBLEU draws a box table), then the signatures.
         *
         * @param test the paired test, as its header names it after "Paired ", or null
         */
        String text(String test) {
            List<List<String>> cols = new ArrayList<>();
            List<String> header = new ArrayList<>(List.of("System"));
            cols.add(names);
            for (int m = 0; m < metricNames.size(); m++) {
                List<String> col = new ArrayList<>();
                for (int s = 0; s < names.size(); s++) {
                    if (paired.isEmpty()) {
                        col.add(ScoreFormat.fixed(scores.get(m).get(s).score(), width));
                    } else {
                        PairedBootstrap.Result r = paired.get(m).get(s);
                        String cell = ScoreFormat.fixed(r.score().score(), width);
                        if (r.confidence() != null) {
                            cell += " (" + ScoreFormat.fixed(r.confidence().mean(), width) + " ± "
                                    + ScoreFormat.fixed(r.confidence().halfWidth(), width) + ")";
                        }
                        if (!Double.isNaN(r.pValue())) {
                            cell += String.format(Locale.ROOT, " (p = %s)%s", ScoreFormat.fixed(r.pValue(), 4),
                                    r.pValue() <= 0.05 ? "*" : "");
                        }
                        col.add(cell);
                    }
                }
                boolean bootstrap = !paired.isEmpty() && paired.get(m).get(0).confidence() != null;
                header.add(metricNames.get(m) + (bootstrap ? " (μ ± 95% CI)" : ""));
                cols.add(col);
            }
            int[] widths = new int[cols.size()];
            for (int c = 0; c < cols.size(); c++) {
                widths[c] = header.get(c).length();
                for (String v : cols.get(c)) {
                    widths[c] = Math.max(widths[c], v.length());
                }
            }
            StringBuilder sb = new StringBuilder();
            appendRow(sb, header, widths);
            for (int s = 0; s < names.size(); s++) {
                List<String> row = new ArrayList<>();
                for (List<String> col : cols) {
                    row.add(col.get(s));
                }
                appendRow(sb, row, widths);
            }
            sb.append('\n');
            if (test != null) {
                String msg = "Paired " + test;
                sb.append("-".repeat(msg.length())).append('\n').append(msg).append('\n')
                        .append("-".repeat(msg.length())).append('\n')
                        .append(" - Each system is compared to the baseline (first row). p-values < 0.05 are marked with \"*\".\n\n");
            }
            sb.append("-----------------\nMetric signatures\n-----------------\n");
            for (int m = 0; m < metricNames.size(); m++) {
                sb.append(String.format(Locale.ROOT, " - %-10s %s%n", metricNames.get(m), signatures.get(m).format(shortSig)));
            }
            return sb.toString();
        }

        private static void appendRow(StringBuilder sb, List<String> cells, int[] widths) {
            for (int c = 0; c < cells.size(); c++) {
                String v = cells.get(c);
                sb.append(c == 0 ? " ".repeat(widths[c] - v.length()) + v : "  " + v + " ".repeat(widths[c] - v.length()));
            }
            sb.append('\n');
        }
    }
}
