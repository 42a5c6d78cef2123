package org.dmodel.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dmodel.cli.UsageException;
import org.dmodel.io.AtomicFiles;
import org.dmodel.io.TestHooks;
import org.dmodel.text.Vocabularies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parallel corpus encoded once into compact binary files and memory-mapped, so training reads sentence
 * pairs by index without the text in memory and later runs reuse the encoding.
 *
 * <p>Layout of the directory (format {@value DatasetMeta#FORMAT}; integers little-endian):
 * <ul>
 *   <li>{@code src.ids}, {@code tgt.ids}: the token ids of all kept pairs, concatenated, without BOS/EOS;
 *       unsigned 16-bit when the side's vocabulary has at most 65,536 ids, else 32-bit;</li>
 *   <li>{@code src.offsets}, {@code tgt.offsets}: {@code size() + 1} int64 positions (in ids) into the id
 *       files: pair i spans {@code [offsets[i], offsets[i+1])};</li>
 *   <li>{@code meta.json}: {@link DatasetMeta}: format, counts, vocabulary sizes, the filter report, and the
 *       provenance (text files' path, size and mtime; tokenizer model hashes; filter settings) that
 *       {@link #binarizeIfNeeded} compares to decide whether the directory is stale.</li>
 * </ul>
 * A directory is written under a temporary name next to it, fsynced and renamed into place only when complete, so
 * a crash never leaves a half-written dataset behind the final name; the next build deletes what a killed one
 * left. One process at a time may build a given directory.
 *
 * <pre>{@code
 * try (Vocabularies vocab = Vocabularies.joint(Path.of("spm.model"))) {
 *     BinarizedDataset train = BinarizedDataset.binarizeIfNeeded(Path.of("train.en.gz"),
 *             Path.of("train.de.gz"), vocab, Path.of("runs/data/train.en-de"), BitextOptions.defaults());
 *     int[] firstSource = train.source(0);
 * }
 * }</pre>
 *
 * <p>Thread-safe: all reads are absolute reads of read-only mappings. The mappings are released when the
 * object is garbage-collected (Java offers no earlier unmapping).
 */
public final class BinarizedDataset {
    static final String SOURCE_IDS = "src.ids";
    static final String TARGET_IDS = "tgt.ids";
    static final String SOURCE_OFFSETS = "src.offsets";
    static final String TARGET_OFFSETS = "tgt.offsets";
    static final String META = "meta.json";

    private static final Logger LOG = LoggerFactory.getLogger(BinarizedDataset.class);

    private final Path directory;
    private final DatasetMeta meta;
    private final int size;
    private final MappedArray sourceIds;
    private final MappedArray targetIds;
    private final MappedArray sourceOffsets;
    private final MappedArray targetOffsets;

    private BinarizedDataset(Path directory, DatasetMeta meta, MappedArray sourceIds, MappedArray targetIds,
            MappedArray sourceOffsets, MappedArray targetOffsets) {
        this.directory = directory;
        this.meta = meta;
        this.size = (int) meta.pairs();
        this.sourceIds = sourceIds;
        this.targetIds = targetIds;
        this.sourceOffsets = sourceOffsets;
        this.targetOffsets = targetOffsets;
    }

    /**
     * Opens a binarized dataset directory.
     *
     * @throws UsageException when {@code dir} holds no {@code meta.json} or a format this version cannot read
     * @throws IOException    when a file is unreadable or has the wrong size (the message says to rebuild)
     */
    public static BinarizedDataset open(Path dir) throws IOException {
        return open(dir, MappedArray.DEFAULT_CHUNK_BYTES);
    }

    /** {@link #open(Path)} with mappings of {@code chunkBytes} each (tests use small chunks). */
    static BinarizedDataset open(Path dir, int chunkBytes) throws IOException {
        Path metaFile = dir.resolve(META);
        if (!Files.isRegularFile(metaFile)) {
            throw new UsageException(dir + ": not a binarized dataset (no " + META + "). Create it with"
                    + " bin/nmt-binarize.");
        }
        DatasetMeta meta = DatasetMeta.read(metaFile);
        if (meta.format() != DatasetMeta.FORMAT) {
            throw new UsageException(metaFile + ": dataset format " + meta.format() + ", but this version reads"
                    + " format " + DatasetMeta.FORMAT + ". Binarize the text again with bin/nmt-binarize.");
        }
        if (meta.pairs() < 1 || meta.pairs() >= Integer.MAX_VALUE) {
            throw new IOException(metaFile + ": " + meta.pairs() + " pairs is outside 1.." + (Integer.MAX_VALUE - 1)
                    + ". Delete the directory and binarize again.");
        }
        BinarizedDataset data = new BinarizedDataset(dir, meta,
                MappedArray.map(dir.resolve(SOURCE_IDS), meta.source().idBytes(), meta.source().tokens(), chunkBytes),
                MappedArray.map(dir.resolve(TARGET_IDS), meta.target().idBytes(), meta.target().tokens(), chunkBytes),
                MappedArray.map(dir.resolve(SOURCE_OFFSETS), 8, meta.pairs() + 1, chunkBytes),
                MappedArray.map(dir.resolve(TARGET_OFFSETS), 8, meta.pairs() + 1, chunkBytes));
        data.checkOffsets();
        return data;
    }

    /**
     * Encodes and filters {@code sourceFile}/{@code targetFile} into {@code dir}, replacing whatever is there,
     * and opens the result.
     *
     * @throws UsageException for unreadable input: missing files, invalid UTF-8, an empty file, different line
     *     counts (see {@link BitextReader}), or no pair left after filtering
     */
    public static BinarizedDataset binarize(Path sourceFile, Path targetFile, Vocabularies vocab, Path dir,
            BitextOptions options) throws IOException {
        DatasetMeta.Provenance provenance = DatasetMeta.Provenance.of(sourceFile, targetFile, vocab.source(),
                vocab.target(), options.filter());
        Path absolute = dir.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Files.createDirectories(parent);
        deleteAbandonedSiblings(absolute);
        Path temp = Files.createDirectory(sibling(absolute, "tmp"));
        try {
            Binarizer.write(sourceFile, targetFile, vocab, temp, options, provenance);
            AtomicFiles.fsyncTree(temp); // on disk before the rename publishes it
            TestHooks.reached("binarize", temp); // written, not yet renamed into place
            replace(temp, absolute);
            AtomicFiles.fsync(parent);
        } finally {
            deleteTree(temp);
        }
        return open(dir);
    }

    /**
     * Opens {@code dir} when its provenance equals that of the given inputs (same text files by path, size and
     * mtime; same tokenizer models; same filter), otherwise binarizes them into it first. This is what
     * training calls on first use.
     */
    public static BinarizedDataset binarizeIfNeeded(Path sourceFile, Path targetFile, Vocabularies vocab,
            Path dir, BitextOptions options) throws IOException {
        String why = staleReason(sourceFile, targetFile, vocab, dir, options);
        if (why == null) {
            BinarizedDataset data = open(dir);
            LOG.info("reusing binarized {}: {} pairs", dir, data.size());
            return data;
        }
        LOG.info("binarizing into {}: {}", dir, why);
        return binarize(sourceFile, targetFile, vocab, dir, options);
    }

    /** Why {@code dir} must be (re)built for these inputs, or null when it is current. */
    static String staleReason(Path sourceFile, Path targetFile, Vocabularies vocab, Path dir,
            BitextOptions options) throws IOException {
        Path metaFile = dir.resolve(META);
        if (!Files.isRegularFile(metaFile)) {
            return "no " + META + " yet";
        }
        DatasetMeta meta;
        try {
            meta = DatasetMeta.read(metaFile);
        } catch (IOException e) {
            return e.getMessage();
        }
        if (meta.format() != DatasetMeta.FORMAT) {
            return "format " + meta.format() + " is not " + DatasetMeta.FORMAT;
        }
        DatasetMeta.Provenance now = DatasetMeta.Provenance.of(sourceFile, targetFile, vocab.source(),
                vocab.target(), options.filter());
        return now.equals(meta.provenance()) ? null : "inputs or settings changed since it was built";
    }

    /** The directory this dataset was opened from. */
    public Path directory() {
        return directory;
    }

    /** The contents of {@code meta.json}. */
    public DatasetMeta meta() {
        return meta;
    }

    /** Number of sentence pairs. */
    public int size() {
        return size;
    }

    /** Number of source tokens of pair {@code i} (no EOS). */
    public int sourceLength(int i) {
        return length(sourceOffsets, i);
    }

    /** Number of target tokens of pair {@code i} (no BOS/EOS). */
    public int targetLength(int i) {
        return length(targetOffsets, i);
    }

    /** The source ids of pair {@code i}, without special ids; a fresh array. */
    public int[] source(int i) {
        return ids(sourceIds, sourceOffsets, i);
    }

    /** The target ids of pair {@code i}, without special ids; a fresh array. */
    public int[] target(int i) {
        return ids(targetIds, targetOffsets, i);
    }

    /** Copies the source ids of pair {@code i} into {@code out} from {@code outStart}; returns the count. */
    int copySource(int i, int[] out, int outStart) {
        return copy(sourceIds, sourceOffsets, i, out, outStart);
    }

    /** Copies the target ids of pair {@code i} into {@code out} from {@code outStart}; returns the count. */
    int copyTarget(int i, int[] out, int outStart) {
        return copy(targetIds, targetOffsets, i, out, outStart);
    }

    private int length(MappedArray offsets, int i) {
        checkIndex(i);
        return (int) (offsets.get(i + 1L) - offsets.get(i));
    }

    private int[] ids(MappedArray ids, MappedArray offsets, int i) {
        int[] out = new int[length(offsets, i)];
        copy(ids, offsets, i, out, 0);
        return out;
    }

    private int copy(MappedArray ids, MappedArray offsets, int i, int[] out, int outStart) {
        checkIndex(i);
        long start = offsets.get(i);
        int n = (int) (offsets.get(i + 1L) - start);
        ids.copyInts(start, n, out, outStart);
        return n;
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("pair " + i + " of a dataset of " + size);
        }
    }

    /** Offsets must start at 0, never decrease, and end at the token count; O(size), once at open. */
    private void checkOffsets() throws IOException {
        for (MappedArray offsets : new MappedArray[] {sourceOffsets, targetOffsets}) {
            long total = offsets == sourceOffsets ? meta.source().tokens() : meta.target().tokens();
            long previous = offsets.get(0);
            boolean ok = previous == 0 && offsets.get(size) == total;
            for (int i = 1; ok && i <= size; i++) {
                long o = offsets.get(i);
                ok = o >= previous && o - previous < Integer.MAX_VALUE;
                previous = o;
            }
            if (!ok) {
                throw new IOException(directory + ": the offsets file does not match the ids. The binarized"
                        + " dataset is damaged; delete the directory and binarize again.");
            }
        }
    }

    /** Moves the finished {@code temp} directory to {@code dir}, moving any older {@code dir} aside first. */
    private static void replace(Path temp, Path dir) throws IOException {
        Path old = null;
        if (Files.exists(dir)) {
            old = sibling(dir, "old");
            move(dir, old);
        }
        try {
            move(temp, dir);
        } catch (IOException e) {
            if (old != null) {
                move(old, dir);
            }
            throw e;
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /**
     * Deletes {@code DIR.tmp-PID-…} and {@code DIR.old-PID-…} left by a process that was killed while binarizing
     * (its PID no longer runs); those of live processes stay.
     */
    private static void deleteAbandonedSiblings(Path dir) throws IOException {
        Pattern own = Pattern.compile(Pattern.quote(dir.getFileName().toString()) + "\\.(tmp|old)-(\\d{1,18})-\\d+");
        List<Path> abandoned = new ArrayList<>();
        try (Stream<Path> siblings = Files.list(dir.getParent())) {
            siblings.forEach(p -> {
                Matcher m = own.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(2))).map(h -> !h.isAlive()).orElse(true)) {
                    abandoned.add(p);
                }
            });
        }
        for (Path p : abandoned) {
            LOG.info("deleting {}, left by an interrupted binarization", p);
            deleteTree(p);
        }
    }

    /** A fresh name next to {@code dir} (same file system, so renames are atomic). */
    private static Path sibling(Path dir, String kind) {
        return dir.resolveSibling(dir.getFileName() + "." + kind + "-" + ProcessHandle.current().pid() + "-"
                + System.nanoTime());
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
