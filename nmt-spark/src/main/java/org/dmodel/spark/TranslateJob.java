package org.dmodel.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dmodel.io.TextLines;
import org.dmodel.metric.Bleu;
import org.dmodel.metric.Chrf;
import org.dmodel.text.Tokenizer;
import org.dmodel.translate.Translation;
import org.dmodel.translate.Translator;
import org.dmodel.translate.TranslatorOptions;
import scala.Tuple2;

/**
 * The work of one {@code nmt-spark-translate} job as it runs in tasks: planning blocks of an input file, and
 * translating (and scoring) one partition. Serialized into every task; holds only names and settings.
 *
 * @param input the input files (null for a Parquet input, whose rows come with the partitions)
 * @param reference the line-aligned reference files ({@code --score-with}), or null
 * @param model the model directory: a path every executor reads, or the name of the directory shipped with the job
 * @param shipped whether {@code model} names a directory shipped with {@code SparkContext.addFile}
 * @param options the translate options each executor loads its {@link Translator} with
 * @param blockTokens source tokens per planned block (partitions are merged from blocks)
 * @param failOncePartition test hook: the first attempt of this partition fails half-way (-1: never)
 */
record TranslateJob(InputFiles input, InputFiles reference, String model, boolean shipped, SerializableOptions options,
        long blockTokens, int failOncePartition) implements Serializable {

    /** Spark configuration key of the fault-injection hook (tests only). */
    static final String FAIL_ONCE = "spark.dmodel.test.failOncePartition";

    Path modelDir() {
        return shipped ? Path.of(SparkFiles.get(model)) : Path.of(model);
    }

    /**
     * Reads file {@code file} (and its reference) from the start, checking every line is valid UTF-8 (an error
     * names the file and line) and that the reference has as many lines, and cuts it into blocks of about
     * {@link #blockTokens} source tokens.
     */
    Iterator<Block> plan(int file) throws IOException {
        TranslatorOptions opts = options.get();
        Tokenizer tokenizer = ExecutorModels.sourceTokenizer(modelDir());
        List<Block> blocks = new ArrayList<>();
        try (TextLines lines = input.open(file, 0); TextLines refs = reference == null ? null : reference.open(file, 0)) {
            long start = 1;
            long offset = 0;
            long refOffset = 0;
            int n = 0;
            long tokens = 0;
            for (String l = lines.next(); l != null; l = lines.next()) {
                if (refs != null && refs.next() == null) {
                    throw new IOException(reference.name(file) + " has " + refs.lineNumber() + " lines but "
                            + input.name(file) + " has more: --score-with needs line-aligned files.");
                }
                // what the Translator decodes: the pieces plus end of sentence, at most maxSourceTokens
                tokens += Math.min(tokenizer.encode(l).length + 1, opts.maxSourceTokens());
                n++;
                if (tokens >= blockTokens) {
                    blocks.add(new Block(file, 0, start, offset, refOffset, n, tokens));
                    start = lines.lineNumber() + 1;
                    offset = lines.offset();
                    refOffset = refs == null ? 0 : refs.offset();
                    n = 0;
                    tokens = 0;
                }
            }
            if (refs != null && refs.next() != null) {
                throw new IOException(reference.name(file) + " has more lines than " + input.name(file) + " ("
                        + lines.lineNumber() + "): --score-with needs line-aligned files.");
            }
            if (n > 0) {
                blocks.add(new Block(file, 0, start, offset, refOffset, n, tokens));
            }
        }
        return blocks.iterator();
    }

    /** Decodes a partition of planned text: its one block, or nothing for the empty input's one partition. */
    Decoded decode(Iterator<Block> partition) throws IOException {
        if (!partition.hasNext()) {
            return Decoded.EMPTY;
        }
        Block b = partition.next();
        String name = input.name(b.file());
        List<String> sources = read(input, b.file(), b.offset(), b.lines());
        List<String> refs = reference == null ? null : read(reference, b.file(), b.refOffset(), b.lines());
        return decode(sources, refs, b.index(), i -> name + ":" + (b.firstLine() + i));
    }

    /** Decodes a partition of a Parquet input's text column, each value with its position in the input. */
    Decoded decodeRows(Iterator<Tuple2<String, Long>> partition) throws IOException {
        List<String> sources = new ArrayList<>();
        long first = -1;
        while (partition.hasNext()) {
            Tuple2<String, Long> row = partition.next();
            first = first < 0 ? row._2() : first;
            sources.add(row._1() == null ? "" : row._1());
        }
        long start = first;
        return sources.isEmpty() ? Decoded.EMPTY : decode(sources, null, start, i -> "row " + (start + i));
    }

    /** One output line per input line in input order (n-best lines with --nbest; scores first with --score-with). */
    Iterator<String> text(Decoded d) {
        int nbest = options.get().search().nbest();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < d.results.size(); i++) {
            List<Translation> r = d.results.get(i);
            if (nbest > 1) {
                for (Translation tr : r) {
                    out.add((d.firstIndex + i) + " ||| " + tr.text() + " ||| "
                            + String.format(Locale.ROOT, "%.4f", tr.score()));
                }
            } else if (d.refs != null) {
                out.add(String.format(Locale.ROOT, "%.2f\t%.2f\t%s", d.bleu[i], d.chrf[i], r.get(0).text()));
            } else {
                out.add(r.get(0).text());
            }
        }
        return failOnceHere() ? failingHalfWay(out) : out.iterator();
    }

    /** As {@link #text}, as rows: id, source, translation, score (and reference, bleu, chrf). */
    Iterator<Row> rows(Decoded d) {
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < d.results.size(); i++) {
            Translation best = d.results.get(i).get(0);
            long id = d.firstIndex + i;
            out.add(d.refs == null
                    ? RowFactory.create(id, d.sources.get(i), best.text(), best.score())
                    : RowFactory.create(id, d.sources.get(i), best.text(), best.score(), d.refs.get(i), d.bleu[i],
                            d.chrf[i]));
        }
        return failOnceHere() ? failingHalfWay(out) : out.iterator();
    }

    /** A decoded partition: sources from position {@code firstIndex} of the input, results, optional scores. */
    record Decoded(long firstIndex, List<String> sources, List<List<Translation>> results, List<String> refs,
            double[] bleu, double[] chrf) {
        static final Decoded EMPTY = new Decoded(0, List.of(), List.of(), null, null, null);
    }

    private Decoded decode(List<String> sources, List<String> refs, long firstIndex, IntFunction<String> where)
            throws IOException {
        TranslatorOptions opts = options.get();
        Translator translator = ExecutorModels.translator(modelDir(), opts);
        // the Translator sorts the partition by length into batches and returns the results in input order
        List<List<Translation>> results = translator.translateNBest(sources, opts.search().nbest(), i ->
                System.err.println(where.apply(i) + ": warning: longer than " + opts.maxSourceTokens()
                        + " tokens; truncated (raise --max-source-tokens)"));
        if (refs == null) {
            return new Decoded(firstIndex, sources, results, null, null, null);
        }
        // sacreBLEU's sentence-level settings: BLEU with effective order, chrF with its defaults
        Bleu.Options d = Bleu.Options.defaults();
        Bleu bleu = new Bleu(new Bleu.Options(d.tokenizer(), d.lowercase(), d.smoothing(), d.smoothValue(), true, true));
        Chrf chrf = new Chrf(Chrf.Options.defaults());
        double[] bleus = new double[refs.size()];
        double[] chrfs = new double[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            String hyp = results.get(i).get(0).text();
            bleus[i] = bleu.sentenceScore(hyp, List.of(refs.get(i))).score();
            chrfs[i] = chrf.sentenceScore(hyp, List.of(refs.get(i))).score();
        }
        return new Decoded(firstIndex, sources, results, refs, bleus, chrfs);
    }

    private static List<String> read(InputFiles files, int file, long offset, int count) throws IOException {
        List<String> out = new ArrayList<>(count);
        try (TextLines lines = files.open(file, offset)) {
            for (int i = 0; i < count; i++) {
                String l = lines.next();
                if (l == null) {
                    throw new IOException(files.name(file) + " is shorter than when the job was planned: was it"
                            + " changed while the job ran?");
                }
                out.add(l);
            }
        }
        return out;
    }

    private boolean failOnceHere() {
        TaskContext task = TaskContext.get();
        return task.partitionId() == failOncePartition && task.attemptNumber() == 0;
    }

    /** The fault-injection hook: yields the first half of {@code out}, then fails like a lost task. */
    private static <T> Iterator<T> failingHalfWay(List<T> out) {
        Iterator<T> it = out.iterator();
        int half = out.size() / 2;
        return new Iterator<>() {
            int given;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public T next() {
                if (given == half) {
                    throw new IllegalStateException("injected failure (" + FAIL_ONCE + ") after " + given + " rows");
                }
                given++;
                return it.next();
            }
        };
    }
}
