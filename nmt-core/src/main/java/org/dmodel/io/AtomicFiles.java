package org.dmodel.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Crash-safe file writes: write a temporary file next to the target, fsync it, rename it over the target,
 * fsync the directory (the rename reaches the disk after the content, and survives a power loss once
 * {@link #write} returns). A reader sees the old file or the new one, never a half-written one (checkpoints,
 * model directories). Stateless and thread-safe (distinct targets).
 */
public final class AtomicFiles {
    /** Writes the content of a file into a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Atomically replaces {@code target} with what {@code writer} writes. The temporary file is
     * {@code .NAME.tmp-PID-…}; those that a killed process left for the same target are deleted first.
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String prefix = "." + target.getFileName() + ".tmp-";
        deleteAbandoned(dir, prefix);
        Path tmp = dir.resolve(prefix + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), 1 << 16)) {
                writer.write(out);
            }
            fsync(tmp);
            move(tmp, target);
            fsync(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Deletes the files {@code PREFIX<pid>-…} in {@code dir} whose process no longer runs. */
    private static void deleteAbandoned(Path dir, String prefix) throws IOException {
        List<Path> abandoned = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                int dash = name.indexOf('-', prefix.length());
                if (name.startsWith(prefix) && dash > prefix.length() && !running(name.substring(prefix.length(), dash))) {
                    abandoned.add(f);
                }
            });
        }
        for (Path f : abandoned) {
            Files.deleteIfExists(f);
        }
    }

    private static boolean running(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not a name this class made: leave it
        }
    }

    /** Atomically replaces {@code target} with UTF-8 text. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Renames {@code from} to {@code to} atomically, replacing {@code to} if it is a file. Callers fsync what they
     * moved before and the directory after (see {@link #write}).
     */
    public static void move(Path from, Path to) throws IOException {
        TestHooks.reached("rename", to);
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(to + ": the file system cannot rename atomically; write to a local disk", e);
        }
    }

    /**
     * Flushes a file or directory to disk (directories: where the platform allows opening them), so that a rename
     * that follows cannot reach the disk before the content it names.
     */
    public static void fsync(Path path) throws IOException {
        TestHooks.reached("fsync", path);
        boolean dir = Files.isDirectory(path);
        try (FileChannel ch = FileChannel.open(path, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!dir) {
                throw e;
            }
            // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
        }
    }

    /** Flushes every file under {@code root} to disk, then each directory (deepest first, {@code root} last). */
    public static void fsyncTree(Path root) throws IOException {
        List<Path> all;
        try (Stream<Path> walk = Files.walk(root)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            if (Files.isRegularFile(p)) {
                fsync(p);
            }
        }
        for (Path p : all) {
            if (Files.isDirectory(p)) {
                fsync(p);
            }
        }
    }
}
