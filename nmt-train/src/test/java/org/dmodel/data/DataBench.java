package org.dmodel.data;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.engine.Engines;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Vocabularies;

/**
 * Benchmark (not a test) of the data pipeline, for BENCHMARKS.md: pairs/s to encode and binarize a corpus
 * from text, and batches/s to build padded batches from the binarized set (plain Java matrices, and with
 * the NDArray copy the trainer makes). Prints one line per run and the medians.
 *
 * <pre>
 * mvn -B -o -q -pl nmt-train -am package -DskipTests
 * java -cp nmt-train/target/test-classes:nmt-train/target/classes:$(cat nmt-train/target/classpath.txt) \
 *     org.dmodel.data.DataBench --src S --tgt T --spm MODEL --work DIR
 * </pre>
 */
public final class DataBench extends CommandLineTool {
    /** Runs the benchmark. */
    public static void main(String[] args) {
        new DataBench().runAndExit(args);
    }

    @Override
    protected String name() {
        return "DataBench";
    }

    @Override
    protected String synopsis() {
        return "--src FILE --tgt FILE --spm MODEL --work DIR [--encode-runs N] [--batch-runs N] [--epochs N] [--max-tokens N] [--workers N]";
    }

    @Override
    protected void declare(OptionTable table) {
        table.value("src", null, "FILE", null, "source text")
                .value("tgt", null, "FILE", null, "target text")
                .value("spm", null, "MODEL", null, "joint SentencePiece model")
                .value("work", null, "DIR", null, "scratch directory for the binarized sets")
                .value("encode-runs", null, "N", "3", "timed binarizations (0: reuse the set in --work if current)")
                .value("batch-runs", null, "N", "3", "timed runs of batch building")
                .value("epochs", null, "N", "5", "epochs of batches per timed run (after one untimed epoch)")
                .value("max-tokens", null, "N", "4096", "batch budget")
                .value("workers", null, "N", String.valueOf(Runtime.getRuntime().availableProcessors()),
                        "encoding threads");
    }

    @Override
    protected int run(CommandLine cmd, OptionTable table) throws Exception {
        Path src = Path.of(table.require(cmd, "src"));
        Path tgt = Path.of(table.require(cmd, "tgt"));
        Path work = Files.createDirectories(Path.of(table.require(cmd, "work")));
        int encodeRuns = table.getInt(cmd, "encode-runs", 0);
        int batchRuns = table.getInt(cmd, "batch-runs", 1);
        int epochs = table.getInt(cmd, "epochs", 1);
        int maxTokens = table.getInt(cmd, "max-tokens", 1);
        BitextOptions options = new BitextOptions(BitextFilter.DEFAULT, table.getInt(cmd, "workers", 1));
        double[] encode = new double[encodeRuns];
        double[] collate = new double[batchRuns];
        double[] tensors = new double[batchRuns];
        try (Vocabularies vocab = Vocabularies.joint(Path.of(table.require(cmd, "spm")));
                NDManager manager = Engines.pytorch().newBaseManager()) {
            SpecialIds ids = vocab.target().specialIds();
            Path out = work.resolve("bench.bin");
            for (int r = 0; r < encodeRuns; r++) {
                long t0 = System.nanoTime();
                BinarizedDataset built = BinarizedDataset.binarize(src, tgt, vocab, out, options);
                encode[r] = built.meta().report().read() / seconds(t0);
                System.out.printf("encode run %d: %.0f pairs/s%n", r + 1, encode[r]);
            }
            long t0 = System.nanoTime();
            BinarizedDataset data = BinarizedDataset.binarizeIfNeeded(src, tgt, vocab, out, options);
            double openSeconds = seconds(t0);
            t0 = System.nanoTime();
            TokenBatcher batcher = TokenBatcher.create(data, maxTokens, 1);
            double setupSeconds = seconds(t0);
            long padded = collateEpoch(batcher, 0, data, ids);
            tensorEpoch(batcher, 0, data, ids, manager);
            for (int r = 0; r < batchRuns; r++) {
                t0 = System.nanoTime();
                for (int e = 1; e <= epochs; e++) {
                    collateEpoch(batcher, e, data, ids);
                }
                collate[r] = (double) epochs * batcher.batchCount() / seconds(t0);
                t0 = System.nanoTime();
                for (int e = 1; e <= epochs; e++) {
                    tensorEpoch(batcher, e, data, ids, manager);
                }
                tensors[r] = (double) epochs * batcher.batchCount() / seconds(t0);
                System.out.printf("batch run %d: %.0f batches/s (Java), %.0f batches/s (with NDArrays)%n", r + 1,
                        collate[r], tensors[r]);
            }
            long real = data.meta().source().tokens() + data.meta().target().tokens() + 2L * data.size();
            System.out.printf("%d pairs read, %d kept; encode+binarize: median %.0f pairs/s of %d runs%n",
                    data.meta().report().read(), data.size(), encodeRuns == 0 ? Double.NaN : median(encode),
                    encodeRuns);
            System.out.printf("open %.2f s, batcher setup %.2f s: %d batches of --max-tokens %d, padding %.1f%% of"
                    + " B*(S+T)%n", openSeconds, setupSeconds, batcher.batchCount(), maxTokens,
                    100.0 * (padded - real) / padded);
            System.out.printf("batches: median %.0f/s (Java), %.0f/s (with NDArrays) of %d runs x %d epochs%n",
                    median(collate), median(tensors), batchRuns, epochs);
        }
        return 0;
    }

    /** Collates every batch of one epoch; returns the padded source+target tokens, B·(S + T) summed. */
    private static long collateEpoch(TokenBatcher batcher, int epoch, BinarizedDataset data, SpecialIds ids) {
        long padded = 0;
        for (TokenBatcher.EpochIterator it = batcher.epoch(epoch, 0); it.hasNext(); ) {
            BitextBatch batch = BitextBatch.collate(data, it.next(), ids);
            padded += (long) batch.size() * (batch.sourceLength() + batch.targetLength());
        }
        return padded;
    }

    /** Collates every batch of one epoch and copies it into NDArrays, as a training step does. */
    private static void tensorEpoch(TokenBatcher batcher, int epoch, BinarizedDataset data, SpecialIds ids,
            NDManager manager) {
        for (TokenBatcher.EpochIterator it = batcher.epoch(epoch, 0); it.hasNext(); ) {
            try (NDManager step = manager.newSubManager()) {
                BitextBatch.collate(data, it.next(), ids).toNDArrays(step);
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
