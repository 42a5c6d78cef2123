package org.dmodel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("checkpoint.txt");
        AtomicFiles.writeString(f, "one");
        AtomicFiles.writeString(f, "two");
        assertEquals("two", Files.readString(f));
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count());
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFile() throws IOException {
        Path f = dir.resolve("checkpoint.txt");
        AtomicFiles.writeString(f, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
            out.write("partial".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(f));
        try (var listing = Files.list(dir)) {
            assertEquals(1, listing.count());
        }
    }
}
