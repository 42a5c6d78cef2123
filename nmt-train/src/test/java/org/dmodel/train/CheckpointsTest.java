package org.dmodel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.dmodel.io.TestHooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint swap: what is on disk at each step, and the fsyncs around the renames (a rename that reaches the
 * disk before the content it publishes would leave an empty or torn checkpoint after a power loss). Real kills at
 * these moments: {@code cli.CrashAndSignalIT}.
 */
class CheckpointsTest {
    @TempDir
    Path saveDir;

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopListening() {
        TestHooks.listen(null);
    }

    private void save(Checkpoints cp, String content) throws IOException {
        cp.save(Checkpoints.LAST, dir -> {
            Files.writeString(dir.resolve("a.bin"), content);
            Files.createDirectory(dir.resolve("sub"));
            Files.writeString(dir.resolve("sub").resolve("b.json"), content);
        });
    }

    @Test
    void everyFileAndDirectoryIsFsyncedBeforeTheSwapAndTheSaveDirectoryAfter() throws IOException {
        Checkpoints cp = new Checkpoints(saveDir, 0);
        save(cp, "one");
        TestHooks.listen((point, path) -> events.add(point + " " + saveDir.relativize(path.toAbsolutePath())));
        save(cp, "two");
        TestHooks.listen(null);
        int swapIn = events.indexOf("rename checkpoint_last");
        assertTrue(swapIn > 0, "the new checkpoint is renamed into place: " + events);
        String tmp = events.stream().filter(e -> e.startsWith("fsync checkpoint_last.tmp-")).findFirst()
                .orElseThrow(() -> new AssertionError("no fsync inside the temporary checkpoint: " + events))
                .substring("fsync ".length()).split("/")[0];
        for (String synced : List.of(tmp + "/a.bin", tmp + "/sub/b.json", tmp + "/sub", tmp)) {
            int at = events.indexOf("fsync " + synced);
            assertTrue(at >= 0 && at < swapIn, synced + " fsynced before the swap: " + events);
        }
        int dirSynced = events.lastIndexOf("fsync ");
        assertEquals(events.size() - 1, dirSynced, "the save directory is fsynced last: " + events);
        int aside = events.indexOf("rename checkpoint_last.old");
        int between = events.indexOf("checkpoint.swap checkpoint_last");
        assertTrue(0 <= aside && aside < between && between < swapIn, "old copy aside, then the new one in: " + events);
        assertEquals("two", Files.readString(cp.path(Checkpoints.LAST).resolve("a.bin")));
    }

    @Test
    void betweenTheTwoRenamesOnlyTheOldCopyExistsAndRecoverPutsItBack() throws IOException {
        Checkpoints cp = new Checkpoints(saveDir, 0);
        save(cp, "one");
        List<String> seen = new ArrayList<>();
        TestHooks.listen((point, path) -> {
            if (point.equals("checkpoint.swap")) {
                Path last = cp.path(Checkpoints.LAST);
                Path old = saveDir.resolve(Checkpoints.LAST + ".old");
                try {
                    seen.add(Files.exists(last) + " " + Files.readString(old.resolve("a.bin")));
                } catch (IOException e) {
                    seen.add(e.toString());
                }
            }
        });
        save(cp, "two");
        TestHooks.listen(null);
        assertEquals(List.of("false one"), seen, "checkpoint_last moved aside whole, the new one not yet in place");
        // a crash at that moment, reproduced on disk: recover() restores the old copy and drops the temporary
        Path old = saveDir.resolve(Checkpoints.LAST + ".old");
        Files.move(cp.path(Checkpoints.LAST), old);
        Files.createDirectory(saveDir.resolve(Checkpoints.LAST + ".tmp-123"));
        cp.recover();
        assertEquals("two", Files.readString(cp.path(Checkpoints.LAST).resolve("a.bin")));
        try (Stream<Path> s = Files.list(saveDir)) {
            assertEquals(List.of(Checkpoints.LAST), s.map(p -> p.getFileName().toString()).toList());
        }
        assertFalse(Files.exists(old));
    }
}
