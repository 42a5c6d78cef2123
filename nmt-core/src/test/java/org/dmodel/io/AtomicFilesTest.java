package org.dmodel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    void theFileIsFsyncedBeforeTheRenameAndTheDirectoryAfter() throws IOException {
        Path f = dir.resolve("checkpoint.txt");
        List<String> events = new ArrayList<>();
        TestHooks.listen((point, path) -> events.add(point + " " + dir.relativize(path.toAbsolutePath())));
        try {
            AtomicFiles.writeString(f, "one");
        } finally {
            TestHooks.listen(null);
        }
        assertEquals(3, events.size(), events.toString());
        assertTrue(events.get(0).startsWith("fsync .checkpoint.txt.tmp-" + ProcessHandle.current().pid() + "-"),
                events.toString());
        assertEquals(List.of("rename checkpoint.txt", "fsync "), events.subList(1, 3), "then the rename, then the directory");
    }

    @Test
    void fsyncWorksOnFilesAndDirectoriesAndFailsOnAMissingFile() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        AtomicFiles.fsync(f);
        AtomicFiles.fsync(dir);
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c"), "y");
        AtomicFiles.fsyncTree(dir);
        assertThrows(IOException.class, () -> AtomicFiles.fsync(dir.resolve("missing")));
    }

    @Test
    void temporariesLeftByAKilledProcessAreDeletedAndThoseOfALiveOneKept() throws IOException {
        Path f = dir.resolve("out.txt");
        Path dead = Files.writeString(dir.resolve(".out.txt.tmp-" + Long.MAX_VALUE + "-x"), "partial");
        Path live = Files.writeString(dir.resolve(".out.txt.tmp-" + ProcessHandle.current().pid() + "-y"), "busy");
        Path other = Files.writeString(dir.resolve(".other.txt.tmp-" + Long.MAX_VALUE + "-z"), "not ours");
        AtomicFiles.writeString(f, "done");
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(live));
        assertTrue(Files.exists(other));
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
