package org.dmodel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextLinesTest {
    @TempDir
    Path dir;

    @Test
    void readsLinesWithCrLfAndAFinalLineWithoutNewline() throws IOException {
        Path f = dir.resolve("a.txt");
        Files.write(f, "one\r\ntwo\n\nÜber drei\nvier".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("one", "two", "", "Über drei", "vier"), TextLines.readAll(f));
    }

    @Test
    void emptyFileHasNoLines() throws IOException {
        Path f = dir.resolve("empty.txt");
        Files.write(f, new byte[0]);
        assertEquals(List.of(), TextLines.readAll(f));
    }

    @Test
    void longLinesCrossBufferBoundaries() throws IOException {
        String longLine = "x".repeat(200_000) + "é";
        Path f = dir.resolve("long.txt");
        Files.writeString(f, "a\n" + longLine + "\nb\n");
        assertEquals(List.of("a", longLine, "b"), TextLines.readAll(f));
    }

    @Test
    void gzipIsDecompressed() throws IOException {
        Path f = dir.resolve("a.txt.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write("Hallo\nWelt\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("Hallo", "Welt"), TextLines.readAll(f));
    }

    @Test
    void invalidUtf8NamesFileLineAndByte() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("good\nalso gööd\n".getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {'b', 'a', (byte) 0xE9, 'd', '\n'}); // latin-1 é
        Path f = dir.resolve("bad.txt");
        Files.write(f, b.toByteArray());
        TextLines.MalformedTextException e = assertThrows(TextLines.MalformedTextException.class,
                () -> TextLines.readAll(f));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(f + ":3: invalid UTF-8"), e.getMessage());
        assertTrue(e.getMessage().contains("column byte 3"), e.getMessage());
    }

    @Test
    void streamsUseTheirDisplayName() throws IOException {
        try (TextLines t = TextLines.of(new ByteArrayInputStream(new byte[] {'a', '\n', (byte) 0xff}), "<stdin>")) {
            assertEquals("a", t.next());
            IOException e = assertThrows(IOException.class, t::next);
            assertTrue(e.getMessage().startsWith("<stdin>:2:"), e.getMessage());
        }
        try (TextLines t = TextLines.of(new ByteArrayInputStream(new byte[0]), "<stdin>")) {
            assertNull(t.next());
        }
    }

    @Test
    void missingFileIsNamed() {
        IOException e = assertThrows(IOException.class, () -> TextLines.readAll(dir.resolve("nope.txt")));
        assertTrue(e.getMessage().contains("nope.txt: no such file"), e.getMessage());
    }
}
