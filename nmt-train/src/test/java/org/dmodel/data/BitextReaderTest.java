package org.dmodel.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dmodel.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BitextReaderTest {
    @TempDir
    Path dir;

    private static List<BitextReader.Pair> readAll(Path src, Path tgt) throws IOException {
        List<BitextReader.Pair> pairs = new ArrayList<>();
        try (BitextReader in = BitextReader.open(src, tgt)) {
            for (BitextReader.Pair p = in.read(); p != null; p = in.read()) {
                pairs.add(p);
            }
            assertNull(in.read(), "stays at the end");
        }
        return pairs;
    }

    private static List<String> numbered(String prefix, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            lines.add(prefix + " " + i);
        }
        return lines;
    }

    @Test
    void readsAlignedPairsWithLineNumbers() throws IOException {
        Path src = DataFixtures.write(dir.resolve("a.en"), List.of("Hello.", "", "Good night."));
        Path tgt = DataFixtures.write(dir.resolve("a.de"), List.of("Hallo.", "Leer", "Gute Nacht."));
        List<BitextReader.Pair> pairs = readAll(src, tgt);
        assertEquals(List.of(new BitextReader.Pair(1, "Hello.", "Hallo."), new BitextReader.Pair(2, "", "Leer"),
                new BitextReader.Pair(3, "Good night.", "Gute Nacht.")), pairs);
    }

    @Test
    void gzipInputReadsLikePlainText() throws IOException {
        List<String> en = List.of("Zoë läuft.", "naïve café — 3.14 €", "这是一个例子。");
        List<String> de = List.of("a", "b", "c");
        List<BitextReader.Pair> plain = readAll(DataFixtures.write(dir.resolve("p.en"), en),
                DataFixtures.write(dir.resolve("p.de"), de));
        List<BitextReader.Pair> gzip = readAll(DataFixtures.write(dir.resolve("g.en.gz"), en),
                DataFixtures.write(dir.resolve("g.de.gz"), de));
        assertEquals(plain, gzip);
        assertEquals("naïve café — 3.14 €", gzip.get(1).source());
    }

    @Test
    void carriageReturnsAndByteOrderMarkAreDropped() throws IOException {
        Path src = DataFixtures.writeBytes(dir.resolve("crlf.en"),
                "\uFEFFone\r\ntwo\r\nthree".getBytes(StandardCharsets.UTF_8));
        Path tgt = DataFixtures.write(dir.resolve("crlf.de"), List.of("eins", "zwei", "drei"));
        List<BitextReader.Pair> pairs = readAll(src, tgt);
        assertEquals(List.of("one", "two", "three"), pairs.stream().map(BitextReader.Pair::source).toList(),
                "a last line without newline counts");
    }

    @Test
    void mismatchedLineCountsNameBothFilesAndCounts() throws IOException {
        Path src = DataFixtures.write(dir.resolve("train.en"), numbered("en", 1000));
        Path tgt = DataFixtures.write(dir.resolve("train.de.gz"), numbered("de", 998));
        UsageException e = assertThrows(UsageException.class, () -> readAll(src, tgt));
        assertEquals(src + " has 1000 lines but " + tgt + " has 998: the files must be line-aligned.",
                e.getMessage());
        UsageException reversed = assertThrows(UsageException.class, () -> readAll(tgt, src));
        assertEquals(tgt + " has 998 lines but " + src + " has 1000: the files must be line-aligned.",
                reversed.getMessage());
    }

    @Test
    void invalidUtf8NamesFileLineAndByteOffset() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("first\nsecond\n".getBytes(StandardCharsets.UTF_8)); // 13 bytes
        bytes.writeBytes("Gr".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xfc); // latin-1 ü at byte 15 of the file
        bytes.writeBytes("n\nlast\n".getBytes(StandardCharsets.UTF_8));
        for (String name : List.of("bad.de", "bad.de.gz")) {
            Path tgt = DataFixtures.writeBytes(dir.resolve(name), bytes.toByteArray());
            Path src = DataFixtures.write(dir.resolve("ok-" + name + ".en"), numbered("en", 4));
            UsageException e = assertThrows(UsageException.class, () -> readAll(src, tgt));
            assertTrue(e.getMessage().startsWith(tgt + ":3: invalid UTF-8 at byte 15 of the file"), e.getMessage());
            assertTrue(e.getMessage().contains("iconv -f latin1 -t utf-8"), e.getMessage());
        }
    }

    @Test
    void emptyFileIsItsOwnError() throws IOException {
        Path empty = DataFixtures.writeBytes(dir.resolve("empty.en"), new byte[0]);
        Path full = DataFixtures.write(dir.resolve("full.de"), List.of("a", "b"));
        for (Path[] pair : new Path[][] {{empty, full}, {full, empty}, {empty, empty}}) {
            UsageException e = assertThrows(UsageException.class, () -> readAll(pair[0], pair[1]));
            assertEquals(empty + " is empty (0 lines): there is nothing to train on. Pass the source and target"
                    + " files of a non-empty, line-aligned corpus.", e.getMessage());
        }
    }

    @Test
    void missingFileIsAUsageError() throws IOException {
        Path full = DataFixtures.write(dir.resolve("full.de"), List.of("a"));
        Path missing = dir.resolve("missing.en");
        UsageException e = assertThrows(UsageException.class, () -> BitextReader.open(missing, full));
        assertEquals(missing + ": no such file. Check the path of the parallel data.", e.getMessage());
    }

    @Test
    void languageFileFindsThePlainOrTheGzipFile() throws IOException {
        String prefix = dir.resolve("train").toString();
        Path en = DataFixtures.write(dir.resolve("train.en"), List.of("a"));
        Path de = DataFixtures.write(dir.resolve("train.de.gz"), List.of("b"));
        assertEquals(en, BitextReader.languageFile(prefix, "en"));
        assertEquals(de, BitextReader.languageFile(prefix, "de"));
        assertThrows(UsageException.class, () -> BitextReader.languageFile(prefix, "fr"));
        DataFixtures.write(dir.resolve("train.en.gz"), List.of("a"));
        UsageException both = assertThrows(UsageException.class, () -> BitextReader.languageFile(prefix, "en"));
        assertTrue(both.getMessage().startsWith("both " + en + " and " + en + ".gz exist."), both.getMessage());
    }
}
