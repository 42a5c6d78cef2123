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
import java.util.UUID;

/**
 * Crash-safe file writes: write a temporary file next to the target, fsync it, rename it over the target,
 * fsync the directory. A reader sees the old file or the new one, never a half-written one (checkpoints,
 * model directories). Stateless and thread-safe (distinct targets).
 */
public final class AtomicFiles {
    /** Writes the content of a file into a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Atomically replaces {@code target} with what {@code writer} writes. */
    public static void write(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
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

    /** Atomically replaces {@code target} with UTF-8 text. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Renames {@code from} to {@code to} atomically, replacing {@code to} if it is a file. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException(to + ": the file system cannot rename atomically; write to a local disk", e);
        }
    }

    /** Flushes a file or directory to disk (directories: where the platform allows opening them). */
    static void fsync(Path path) throws IOException {
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
}
