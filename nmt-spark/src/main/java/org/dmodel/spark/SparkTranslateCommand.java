package org.dmodel.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.io.ModelDirectory;
import org.dmodel.translate.TranslatorOptions;
import org.dmodel.translate.cli.TranslatorOptionTable;

/**
 * {@code bin/nmt-spark-translate}: translates (and optionally scores) text files as a Spark job, embedded
 * ({@code local[*]}) or through {@code spark-submit}. The output directory holds Spark's part files in input order:
 * {@code cat OUT/part-*} has one line per input line, as {@code nmt-translate} writes them.
 *
 * <p>Two passes: a planning job reads each input file once (one task per file), checks it is UTF-8 and cuts it
 * into blocks by source tokens; the driver merges blocks into partitions of about {@code --partition-tokens}; the
 * translation job decodes each partition with the executor's one {@code Translator}, which sorts the partition by
 * length into batches and returns results in input order.
 */
public final class SparkTranslateCommand extends CommandLineTool {
    public static void main(String[] args) {
        new SparkTranslateCommand().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-spark-translate";
    }

    @Override
    protected String synopsis() {
        return "-m MODEL_DIR -i INPUT -o OUTPUT_DIR [--master local[*]] [options]";
    }

    @Override
    protected void declare(OptionTable t) {
        t.value("model", "m", "DIR", null, "model directory; shipped with the job unless --shared-model");
        t.value("input", "i", "PATH", null, "text files, one sentence per line, plain or .gz: a file, a directory or a"
                + " glob, on any Hadoop file system; files are read in name order");
        t.value("text-column", null, "NAME", null, "the input is Parquet (a file, directory or glob) and this column"
                + " holds the sentences; the order is Spark's reading order (one file: its row order)");
        t.value("output", "o", "DIR", null, "output directory (must not exist): part files in input order, moved into"
                + " place only when the job has succeeded");
        t.value("output-format", null, "FORMAT", "text", "text (one line per input line) or parquet (columns id,"
                + " source, translation, score; with --score-with also reference, bleu, chrf)");
        t.value("score-with", null, "REF", null, "line-aligned references, paired with the input files in name order"
                + " (same line counts): each text line becomes 'BLEU<TAB>chrF<TAB>translation' (sentence-level,"
                + " sacreBLEU's settings), for filtering bitext");
        t.value("master", null, "URL", "local[*]", "Spark master; ignored when spark-submit sets one");
        t.values("conf", null, "KEY=VALUE", null, "a Spark setting (repeatable)");
        t.value("partition-tokens", null, "N", "100000", "most source tokens per partition (smaller partitions for a"
                + " small input: at least 4 per task slot); --threads is per task slot (0: spark.task.cpus)");
        t.flag("shared-model", null, "-m is a path every executor can read (shared file system): do not ship it");
        TranslatorOptionTable.declare(t);
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        Path model = Path.of(t.require(cmd, "model")).toAbsolutePath();
        ModelDirectory.verify(model); // fail here, before Spark starts, for a missing or altered model
        TranslatorOptions options = TranslatorOptionTable.resolve(cmd, t);
        if (options.shortlist() != null && !Files.isRegularFile(options.shortlist().lexicon())) {
            throw new UsageException(options.shortlist().lexicon() + ": --shortlist file not found. Make one with"
                    + " nmt-lexicon.");
        }
        String format = t.require(cmd, "output-format");
        if (!format.equals("text") && !format.equals("parquet")) {
            throw new UsageException("--output-format must be text or parquet, got " + format);
        }
        if (format.equals("parquet") && options.search().nbest() > 1) {
            throw new UsageException("--nbest > 1 writes text only; leave out --output-format parquet");
        }
        String ref = t.get(cmd, "score-with");
        if (ref != null && options.search().nbest() > 1) {
            throw new UsageException("--score-with scores the best translation; leave out --nbest");
        }
        long partitionTokens = t.getInt(cmd, "partition-tokens", 1);
        // no web UI unless asked for (--conf spark.ui.enabled=true): it starts a web server for a batch job
        SparkConf conf = new SparkConf().setAppName("nmt-spark-translate").set("spark.ui.enabled", "false");
        for (String kv : cmd.hasOption("conf") ? cmd.getOptionValues("conf") : new String[0]) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--conf takes KEY=VALUE, got " + kv);
            }
            conf.set(kv.substring(0, eq), kv.substring(eq + 1));
        }
        if (!conf.contains("spark.master")) {
            conf.setMaster(t.require(cmd, "master"));
        }
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            run(new JavaSparkContext(spark.sparkContext()), spark, cmd, t, model, options, ref, format,
                    partitionTokens);
        } catch (Exception e) { // Spark's Scala code throws its checked SparkException undeclared
            throw e instanceof SparkException s ? taskError(s) : e;
        } finally {
            spark.stop();
            ExecutorModels.closeAll();
        }
        return 0;
    }

    private static void run(JavaSparkContext sc, SparkSession spark, CommandLine cmd, OptionTable t, Path model,
            TranslatorOptions options, String ref, String format, long partitionTokens) throws IOException {
        Configuration hadoop = sc.hadoopConfiguration();
        String output = t.require(cmd, "output");
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
        FileSystem fs = out.getFileSystem(hadoop);
        if (fs.exists(out)) {
            throw new UsageException(output + " exists; remove it or name another output directory.");
        }
        String column = t.get(cmd, "text-column");
        if (column != null && ref != null) {
            throw new UsageException("--score-with needs text input; leave out --text-column");
        }
        InputFiles input = column == null ? InputFiles.list(t.require(cmd, "input"), hadoop) : null;
        InputFiles reference = ref == null ? null : InputFiles.list(ref, hadoop);
        if (reference != null && reference.size() != input.size()) {
            throw new UsageException("--score-with " + ref + " has " + reference.size() + " files but --input has "
                    + input.size() + ": the references must pair with the inputs in name order.");
        }
        boolean shared = t.has(cmd, "shared-model");
        if (!shared) {
            sc.sc().addFile(model.toString(), true);
            if (options.shortlist() != null) {
                sc.sc().addFile(options.shortlist().lexicon().toAbsolutePath().toString());
            }
        }
        int cores = sc.sc().isLocal() ? sc.defaultParallelism() : sc.getConf().getInt("spark.executor.cores", 1);
        int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
        // each concurrent task gets a Translator worker with spark.task.cpus intra-op threads, unless --threads
        SerializableOptions shipped = new SerializableOptions(translateFlags(cmd),
                Math.max(1, cores / taskCpus), options.threads() > 0 ? options.threads() : taskCpus,
                !shared && options.shortlist() != null);
        TranslateJob job = new TranslateJob(input, reference, shared ? model.toString() : model.getFileName().toString(),
                !shared, shipped, Math.max(1, partitionTokens / 128), sc.getConf().getInt(TranslateJob.FAIL_ONCE, -1));

        // text: plan, then one partition per planned part in input order (an empty input still writes one, empty,
        // part file); Parquet: Spark's own splits of the table, each row numbered in reading order
        FlatMapFunction<Iterator<Block>, TranslateJob.Decoded> planned = it -> List.of(job.decode(it)).iterator();
        JavaRDD<TranslateJob.Decoded> decoded;
        if (input != null) {
            List<Integer> files = IntStream.range(0, input.size()).boxed().toList();
            List<Block> blocks = sc.parallelize(files, files.size()).flatMap(job::plan).collect();
            // small inputs: a few partitions per task slot, so that one slow partition delays the job by less
            List<Block> parts = Partitions.plan(blocks, partitionTokens, 4 * sc.defaultParallelism());
            decoded = (parts.isEmpty() ? sc.<Block>parallelize(List.of(), 1) : sc.parallelize(parts, parts.size()))
                    .mapPartitions(planned);
        } else {
            Dataset<Row> table;
            try {
                table = spark.read().parquet(t.require(cmd, "input")).select(functions.col(column));
            } catch (Exception e) { // Scala code throws the checked AnalysisException undeclared
                if (e instanceof AnalysisException a) {
                    throw new UsageException(t.require(cmd, "input") + ": " + a.getMessage());
                }
                throw e;
            }
            decoded = table.javaRDD().map(r -> r.getString(0)).zipWithIndex()
                    .mapPartitions(it -> List.of(job.decodeRows(it)).iterator());
        }
        // written next to OUTPUT_DIR and renamed into place after the job committed: a failed job leaves no
        // directory that looks complete
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(out.getParent(),
                "." + out.getName() + ".tmp-" + sc.sc().applicationId());
        try {
            if (format.equals("text")) {
                decoded.flatMap(job::text).saveAsTextFile(tmp.toString());
            } else {
                StructType schema = new StructType()
                        .add("id", DataTypes.LongType, false)
                        .add("source", DataTypes.StringType, false)
                        .add("translation", DataTypes.StringType, false)
                        .add("score", DataTypes.DoubleType, false);
                if (reference != null) {
                    schema = schema.add("reference", DataTypes.StringType, false)
                            .add("bleu", DataTypes.DoubleType, false)
                            .add("chrf", DataTypes.DoubleType, false);
                }
                spark.createDataFrame(decoded.flatMap(job::rows), schema).write().parquet(tmp.toString());
            }
            if (!fs.rename(tmp, out)) {
                throw new IOException("could not move " + tmp + " to " + out + " (does " + output + " exist now?)");
            }
        } finally {
            fs.delete(tmp, true);
        }
    }

    /** The translate flags as given, to parse again on the executors. */
    private static List<String> translateFlags(CommandLine cmd) {
        OptionTable table = SerializableOptions.table();
        List<String> out = new ArrayList<>();
        for (Option o : cmd.getOptions()) {
            if (table.options().hasLongOption(o.getLongOpt())) {
                out.add("--" + o.getLongOpt());
                if (o.hasArg()) {
                    out.add(o.getValue());
                }
            }
        }
        return out;
    }

    /**
     * The task's own error from a failed job: the first cause that is not Spark's wrapper. Input errors (invalid
     * UTF-8, unaligned references, unreadable files) become usage errors, whose message already names file and line.
     */
    private static Exception taskError(SparkException e) {
        Throwable c = e;
        while (c instanceof SparkException && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof IOException) {
            return new UsageException(c.getMessage());
        }
        return c instanceof Exception x ? x : e;
    }
}
