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
 *     org.dmodel.data.DataBench --src S --tgt T --spm MODEL --work DIR --runs 3
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
        return "--src FILE --tgt FILE --spm MODEL --work DIR [--runs N] [--epochs N] [--max-tokens N] [--workers N]";
    }

    @Override
    protected void declare(OptionTable table) {
        table.value("src", null, "FILE", null, "source text")
                .value("tgt", null, "FILE", null, "target text")
                .value("spm", null, "MODEL", null, "joint SentencePiece model")
                .value("work", null, "DIR", null, "scratch directory for the binarized sets")
                .value("runs", null, "N", "3", "timed runs of each measurement")
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
        int runs = table.getInt(cmd, "runs", 1);
        int epochs = table.getInt(cmd, "epochs", 1);
        int maxTokens = table.getInt(cmd, "max-tokens", 1);
        BitextOptions options = new BitextOptions(BitextFilter.DEFAULT, table.getInt(cmd, "workers", 1));
        double[] encode = new double[runs];
        double[] collate = new double[runs];
        double[] tensors = new double[runs];
        try (Vocabularies vocab = Vocabularies.joint(Path.of(table.require(cmd, "spm")));
                NDManager manager = Engines.pytorch().newBaseManager()) {
            SpecialIds ids = vocab.target().specialIds();
            BinarizedDataset data = null;
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                data = BinarizedDataset.binarize(src, tgt, vocab, work.resolve("bench.bin"), options);
                encode[r] = data.meta().report().read() / seconds(t0);
            }
            TokenBatcher batcher = TokenBatcher.create(data, maxTokens, 1);
            long padded = collateEpoch(batcher, 0, data, ids);
            tensorEpoch(batcher, 0, data, ids, manager);
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                for (int e = 1; e <= epochs; e++) {
                    collateEpoch(batcher, e, data, ids);
                }
                collate[r] = (double) epochs * batcher.batchCount() / seconds(t0);
                t0 = System.nanoTime();
                for (int e = 1; e <= epochs; e++) {
                    tensorEpoch(batcher, e, data, ids, manager);
                }
                tensors[r] = (double) epochs * batcher.batchCount() / seconds(t0);
                System.out.printf("run %d: encode+binarize %.0f pairs/s; %d batches, batches/s %.0f (Java),"
                        + " %.0f (with NDArrays); padding %.1f%% of %d padded source+target tokens%n", r + 1,
                        encode[r], batcher.batchCount(), collate[r], tensors[r],
                        100.0 * (padded - data.meta().source().tokens() - data.meta().target().tokens()
                                - 2L * data.size()) / padded, padded);
            }
            System.out.printf("median of %d: %d pairs (%d kept), encode+binarize %.0f pairs/s, %d batches of"
                    + " --max-tokens %d, %.0f batches/s (Java), %.0f batches/s (with NDArrays)%n", runs,
                    data.meta().report().read(), data.size(), median(encode), batcher.batchCount(), maxTokens,
                    median(collate), median(tensors));
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
