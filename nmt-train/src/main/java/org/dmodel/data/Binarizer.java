package org.dmodel.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmodel.cli.UsageException;
import org.dmodel.text.Vocabularies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a parallel corpus into the files of a {@link BinarizedDataset}, streaming: the reader hands chunks
 * of pairs to a thread pool, and the results are filtered and appended in input order, so at most a few
 * chunks per worker are in memory whatever the corpus size. Used once per call; not thread-safe.
 */
final class Binarizer {
    private static final Logger LOG = LoggerFactory.getLogger(Binarizer.class);
    private static final int CHUNK_PAIRS = 2048;
    private static final int CHUNKS_IN_FLIGHT_PER_WORKER = 2;
    private static final long PROGRESS_EVERY = 1_000_000;

    /** The encoded ids of one chunk, in input order. */
    private record Encoded(int[][] source, int[][] target) {}

    private Binarizer() {}

    /**
     * Writes {@code src.ids}, {@code tgt.ids}, {@code src.offsets}, {@code tgt.offsets} and {@code meta.json}
     * into the empty directory {@code dir}.
     *
     * @throws UsageException for bad input (see {@link BitextReader}) or when no pair survives the filter
     */
    static DatasetMeta write(Path sourceFile, Path targetFile, Vocabularies vocab, Path dir,
            BitextOptions options, DatasetMeta.Provenance provenance) throws IOException {
        int sourceWidth = DatasetMeta.Side.forVocabulary(vocab.source().vocabSize(), 0).idBytes();
        int targetWidth = DatasetMeta.Side.forVocabulary(vocab.target().vocabSize(), 0).idBytes();
        long[] verdicts = new long[BitextFilter.Verdict.values().length];
        long sourceTokens = 0;
        long targetTokens = 0;
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.workers(), daemonThreads());
        try (BitextReader reader = BitextReader.open(sourceFile, targetFile);
                LittleEndianOutput srcIds = new LittleEndianOutput(dir.resolve(BinarizedDataset.SOURCE_IDS),
                        sourceWidth);
                LittleEndianOutput tgtIds = new LittleEndianOutput(dir.resolve(BinarizedDataset.TARGET_IDS),
                        targetWidth);
                LittleEndianOutput srcOffsets = new LittleEndianOutput(
                        dir.resolve(BinarizedDataset.SOURCE_OFFSETS), 8);
                LittleEndianOutput tgtOffsets = new LittleEndianOutput(
                        dir.resolve(BinarizedDataset.TARGET_OFFSETS), 8)) {
            srcOffsets.write(0);
            tgtOffsets.write(0);
            ArrayDeque<Future<Encoded>> inFlight = new ArrayDeque<>();
            int maxInFlight = CHUNKS_IN_FLIGHT_PER_WORKER * options.workers();
            long nextProgress = PROGRESS_EVERY;
            boolean more = true;
            while (more || !inFlight.isEmpty()) {
                if (more) {
                    List<BitextReader.Pair> chunk = readChunk(reader);
                    more = chunk.size() == CHUNK_PAIRS;
                    if (!chunk.isEmpty()) {
                        inFlight.add(pool.submit(() -> encode(chunk, vocab)));
                    }
                }
                while (inFlight.size() > maxInFlight || (!more && !inFlight.isEmpty())) {
                    Encoded encoded = await(inFlight.poll());
                    for (int i = 0; i < encoded.source.length; i++) {
                        int[] s = encoded.source[i];
                        int[] t = encoded.target[i];
                        BitextFilter.Verdict verdict = options.filter().check(s.length, t.length);
                        verdicts[verdict.ordinal()]++;
                        if (verdict == BitextFilter.Verdict.KEEP) {
                            sourceTokens = append(s, srcIds, srcOffsets, sourceTokens);
                            targetTokens = append(t, tgtIds, tgtOffsets, targetTokens);
                        }
                    }
                }
                if (reader.pairsRead() >= nextProgress) {
                    LOG.info("binarizing {}: {} pairs read", sourceFile, reader.pairsRead());
                    nextProgress += PROGRESS_EVERY;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        FilterReport report = FilterReport.of(verdicts);
        double seconds = (System.nanoTime() - started) / 1e9;
        LOG.info("binarized {} + {}: {} in {} s ({} pairs/s)", sourceFile, targetFile, report,
                String.format("%.1f", seconds), Math.round(report.read() / seconds));
        if (report.kept() == 0) {
            throw new UsageException(sourceFile + ", " + targetFile + ": no sentence pair passed the filter ("
                    + report + "). Check that the files are line-aligned text, or raise --max-len / --max-ratio.");
        }
        DatasetMeta meta = new DatasetMeta(DatasetMeta.FORMAT, report.kept(),
                DatasetMeta.Side.forVocabulary(vocab.source().vocabSize(), sourceTokens),
                DatasetMeta.Side.forVocabulary(vocab.target().vocabSize(), targetTokens), provenance, report);
        meta.write(dir.resolve(BinarizedDataset.META));
        return meta;
    }

    private static List<BitextReader.Pair> readChunk(BitextReader reader) throws IOException {
        List<BitextReader.Pair> chunk = new ArrayList<>(CHUNK_PAIRS);
        for (BitextReader.Pair p; chunk.size() < CHUNK_PAIRS && (p = reader.read()) != null; ) {
            chunk.add(p);
        }
        return chunk;
    }

    private static Encoded encode(List<BitextReader.Pair> chunk, Vocabularies vocab) {
        int[][] source = new int[chunk.size()][];
        int[][] target = new int[chunk.size()][];
        for (int i = 0; i < chunk.size(); i++) {
            source[i] = vocab.source().encode(chunk.get(i).source());
            target[i] = vocab.target().encode(chunk.get(i).target());
        }
        return new Encoded(source, target);
    }

    private static long append(int[] ids, LittleEndianOutput out, LittleEndianOutput offsets, long total)
            throws IOException {
        for (int id : ids) {
            out.write(id);
        }
        long end = total + ids.length;
        offsets.write(end);
        return end;
    }

    private static Encoded await(Future<Encoded> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binarizing", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "binarize-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
