package org.dmodel.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dmodel.cli.UsageException;
import org.dmodel.text.Vocabularies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinarizedDatasetTest {
    private static final int PAIRS = 3000;
    private static Vocabularies spm;
    private static List<String> english;
    private static List<String> german;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws IOException {
        spm = DataFixtures.spm();
        english = DataFixtures.head("train.en.gz", PAIRS);
        german = DataFixtures.head("train.de.gz", PAIRS);
    }

    @AfterAll
    static void close() {
        spm.close();
    }

    private static BitextOptions options(BitextFilter filter, int workers) {
        return new BitextOptions(filter, workers);
    }

    /** The pairs {@code filter} keeps, encoded directly with the tokenizers: the reference for round trips. */
    private static List<int[][]> expectedKept(List<String> src, List<String> tgt, Vocabularies vocab,
            BitextFilter filter) {
        List<int[][]> kept = new ArrayList<>();
        for (int i = 0; i < src.size(); i++) {
            int[] s = vocab.source().encode(src.get(i));
            int[] t = vocab.target().encode(tgt.get(i));
            if (filter.check(s.length, t.length) == BitextFilter.Verdict.KEEP) {
                kept.add(new int[][] {s, t});
            }
        }
        return kept;
    }

    private static void assertHolds(List<int[][]> expected, BinarizedDataset data) {
        assertEquals(expected.size(), data.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i)[0], data.source(i), "source of pair " + i);
            assertArrayEquals(expected.get(i)[1], data.target(i), "target of pair " + i);
            assertEquals(expected.get(i)[0].length, data.sourceLength(i));
            assertEquals(expected.get(i)[1].length, data.targetLength(i));
        }
    }

    private static List<Path> siblings(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.getParent())) {
            return files.filter(p -> !p.equals(dir)).toList();
        }
    }

    @Test
    void roundTripEqualsEncodingTheTextAgain() throws IOException {
        Path src = DataFixtures.write(dir.resolve("train.en.gz"), english);
        Path tgt = DataFixtures.write(dir.resolve("train.de"), german);
        BitextFilter filter = new BitextFilter(12, 2.0); // drops a few hundred pairs of each kind
        Path out = dir.resolve("bin").resolve("train.en-de");
        BinarizedDataset data = BinarizedDataset.binarize(src, tgt, spm, out, options(filter, 2));
        List<int[][]> expected = expectedKept(english, german, spm, filter);
        assertHolds(expected, data);
        // chunked mappings (what > 2 GiB files use) read the same ids, also across chunk boundaries
        assertHolds(expected, BinarizedDataset.open(out, 64));

        DatasetMeta meta = data.meta();
        assertEquals(DatasetMeta.FORMAT, meta.format());
        assertEquals(2, meta.source().idBytes(), "8000 pieces fit in 16 bits");
        assertEquals(expected.stream().mapToLong(p -> p[0].length).sum(), meta.source().tokens());
        assertEquals(expected.stream().mapToLong(p -> p[1].length).sum(), meta.target().tokens());
        assertEquals(PAIRS, meta.report().read());
        assertEquals(expected.size(), meta.report().kept());
        assertTrue(meta.report().tooLong() > 0 && meta.report().badRatio() > 0, meta.report().toString());
        assertEquals(filter, meta.provenance().filter());
        assertEquals(meta, BinarizedDataset.open(out).meta(), "meta.json round-trips");
        assertEquals(List.of(), siblings(out), "no temporary directory is left behind");
    }

    @Test
    void filterCountsEachReason() throws IOException {
        // character tokens: lengths are the string lengths
        Path src = DataFixtures.write(dir.resolve("f.src"),
                List.of("abc", "", "abc", "abcdefghijk", "abcd", "ab", "a", "abcdefghij", "ab"));
        Path tgt = DataFixtures.write(dir.resolve("f.tgt"),
                List.of("abc", "abc", "", "abc", "abcdefghijk", "abcde", "ab", "abcdefghij", "a"));
        BinarizedDataset data = BinarizedDataset.binarize(src, tgt, DataFixtures.characters(300),
                dir.resolve("f.bin"), options(new BitextFilter(10, 2.0), 1));
        // kept: 1 (abc/abc), 7 (a/ab: ratio 2 is allowed), 8 (10/10), 9 (ab/a)
        assertEquals(new FilterReport(9, 4, 2, 2, 1), data.meta().report());
        assertEquals(List.of(3, 1, 10, 2), List.of(data.sourceLength(0), data.sourceLength(1),
                data.sourceLength(2), data.sourceLength(3)));
    }

    @Test
    void largeVocabulariesStore32BitIds() throws IOException {
        List<String> src = List.of("\uFFFD\uFFFEa", "zz\uFFFD");
        List<String> tgt = List.of("b\uFFFD", "\uFFFDcc");
        Vocabularies vocab = DataFixtures.characters(70_000);
        BinarizedDataset data = BinarizedDataset.binarize(DataFixtures.write(dir.resolve("l.src"), src),
                DataFixtures.write(dir.resolve("l.tgt"), tgt), vocab, dir.resolve("l.bin"),
                options(BitextFilter.DEFAULT, 1));
        assertEquals(4, data.meta().source().idBytes());
        assertHolds(expectedKept(src, tgt, vocab, BitextFilter.DEFAULT), data);
        assertTrue(data.source(0)[0] > 65_535, "an id that needs more than 16 bits");
    }

    @Test
    void outputDoesNotDependOnTheNumberOfWorkers() throws IOException {
        Path src = DataFixtures.write(dir.resolve("w.en"), english);
        Path tgt = DataFixtures.write(dir.resolve("w.de"), german);
        BinarizedDataset one = BinarizedDataset.binarize(src, tgt, spm, dir.resolve("w1"),
                options(BitextFilter.DEFAULT, 1));
        BinarizedDataset three = BinarizedDataset.binarize(src, tgt, spm, dir.resolve("w3"),
                options(BitextFilter.DEFAULT, 3));
        for (String file : List.of(BinarizedDataset.SOURCE_IDS, BinarizedDataset.TARGET_IDS,
                BinarizedDataset.SOURCE_OFFSETS, BinarizedDataset.TARGET_OFFSETS)) {
            assertEquals(-1L, Files.mismatch(one.directory().resolve(file), three.directory().resolve(file)), file);
        }
    }

    @Test
    void staleDatasetIsRebuiltAndCurrentOneReused() throws IOException {
        Path src = DataFixtures.write(dir.resolve("s.en"), english.subList(0, 200));
        Path tgt = DataFixtures.write(dir.resolve("s.de"), german.subList(0, 200));
        Path out = dir.resolve("out").resolve("s.bin");
        BitextOptions options = options(BitextFilter.DEFAULT, 2);
        BinarizedDataset.binarizeIfNeeded(src, tgt, spm, out, options);
        Path marker = Files.createFile(out.resolve("marker"));

        BinarizedDataset.binarizeIfNeeded(src, tgt, spm, out, options(BitextFilter.DEFAULT, 1));
        assertTrue(Files.exists(marker), "same inputs and filter: reused (the worker count does not matter)");

        BitextFilter other = new BitextFilter(1000, 2.5);
        BinarizedDataset data = BinarizedDataset.binarizeIfNeeded(src, tgt, spm, out, options(other, 2));
        assertFalse(Files.exists(marker), "a new filter rebuilds");
        assertEquals(other, data.meta().provenance().filter());
        assertHolds(expectedKept(english.subList(0, 200), german.subList(0, 200), spm, other), data);

        Files.createFile(marker);
        Files.setLastModifiedTime(src, FileTime.fromMillis(Files.getLastModifiedTime(src).toMillis() + 5000));
        BinarizedDataset.binarizeIfNeeded(src, tgt, spm, out, options(other, 2));
        assertFalse(Files.exists(marker), "a touched text file rebuilds");

        Files.createFile(marker);
        assertNotEquals(DatasetMeta.fingerprint(spm.source()), DatasetMeta.fingerprint(
                DataFixtures.characters(300).source()));
        BinarizedDataset.binarizeIfNeeded(src, tgt, DataFixtures.characters(300), out, options(other, 2));
        assertFalse(Files.exists(marker), "another tokenizer rebuilds");
        assertEquals(List.of(), siblings(out), "the replaced dataset is deleted");
    }

    @Test
    void corpusWithNoSurvivingPairIsAnErrorAndLeavesNothing() throws IOException {
        Path src = DataFixtures.write(dir.resolve("n.src"), List.of("", "abc"));
        Path tgt = DataFixtures.write(dir.resolve("n.tgt"), List.of("abc", "abcdefghijklmnop"));
        Path out = dir.resolve("n").resolve("n.bin");
        UsageException e = assertThrows(UsageException.class, () -> BinarizedDataset.binarize(src, tgt,
                DataFixtures.characters(300), out, options(new BitextFilter(10, 3.0), 1)));
        assertTrue(e.getMessage().contains("no sentence pair passed the filter (kept 0 of 2 pairs (dropped: 1"
                + " empty, 1 too long, 0 bad ratio))"), e.getMessage());
        assertFalse(Files.exists(out));
        assertEquals(List.of(), siblings(out));
    }

    @Test
    void inputErrorsLeaveAnOlderDatasetInPlace() throws IOException {
        Path src = DataFixtures.write(dir.resolve("e.en"), english.subList(0, 50));
        Path tgt = DataFixtures.write(dir.resolve("e.de"), german.subList(0, 50));
        Path out = dir.resolve("e.bin");
        BinarizedDataset.binarize(src, tgt, spm, out, options(BitextFilter.DEFAULT, 1));
        DataFixtures.write(tgt, german.subList(0, 49));
        assertThrows(UsageException.class, () -> BinarizedDataset.binarizeIfNeeded(src, tgt, spm, out,
                options(BitextFilter.DEFAULT, 1)));
        assertEquals(50, BinarizedDataset.open(out).size());
        assertEquals(List.of(tgt, src), siblings(out).stream().sorted().toList());
    }

    @Test
    void openRejectsWhatIsNotADatasetOrIsDamaged() throws IOException {
        UsageException e = assertThrows(UsageException.class, () -> BinarizedDataset.open(dir));
        assertEquals(dir + ": not a binarized dataset (no meta.json). Create it with bin/nmt-binarize.",
                e.getMessage());

        Path out = dir.resolve("d.bin");
        BinarizedDataset.binarize(DataFixtures.write(dir.resolve("d.en"), english.subList(0, 20)),
                DataFixtures.write(dir.resolve("d.de"), german.subList(0, 20)), spm, out,
                options(BitextFilter.DEFAULT, 1));
        Path ids = out.resolve(BinarizedDataset.TARGET_IDS);
        try (FileChannel channel = FileChannel.open(ids, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 2);
        }
        IOException damaged = assertThrows(IOException.class, () -> BinarizedDataset.open(out));
        assertTrue(damaged.getMessage().startsWith(ids + ": "), damaged.getMessage());
        assertTrue(damaged.getMessage().contains("damaged; delete its directory and binarize again"),
                damaged.getMessage());
    }
}
