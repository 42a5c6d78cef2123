package org.dmodel.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dmodel.io.AtomicFiles;
import org.dmodel.io.TestHooks;

/**
 * The checkpoint directories under {@code --save-dir}: {@code checkpoint_last}, {@code checkpoint_best} and
 * numbered {@code checkpoint_<step>}. Each is written whole into a temporary sibling, fsynced (files, then
 * directories), and swapped in by renames, after which the save directory is fsynced; so a crash (or power loss)
 * at any moment leaves the previous checkpoint loadable: between the two renames the old copy sits at
 * {@code NAME.old} and {@link #recover()} puts it back. Not thread-safe.
 */
public final class Checkpoints {
    /** Writes a checkpoint's files into an empty directory. */
    @FunctionalInterface
    public interface Writer {
        void writeInto(Path dir) throws IOException;
    }

    public static final String LAST = "checkpoint_last";
    public static final String BEST = "checkpoint_best";
    private static final Pattern NUMBERED = Pattern.compile("checkpoint_(\\d+)");

    private final Path saveDir;
    private final int keepLast;

    public Checkpoints(Path saveDir, int keepLast) {
        this.saveDir = saveDir;
        this.keepLast = keepLast;
    }

    /** The directory of checkpoint {@code name}. */
    public Path path(String name) {
        return saveDir.resolve(name);
    }

    /** Restores checkpoints interrupted between their two renames and deletes abandoned temporaries. */
    public void recover() throws IOException {
        if (!Files.isDirectory(saveDir)) {
            return;
        }
        try (Stream<Path> s = Files.list(saveDir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".old")) {
                    Path target = saveDir.resolve(n.substring(0, n.length() - 4));
                    if (Files.exists(target)) {
                        deleteTree(p);
                    } else {
                        AtomicFiles.move(p, target);
                        AtomicFiles.fsync(saveDir);
                    }
                } else if (n.contains(".tmp-")) {
                    deleteTree(p);
                }
            }
        }
    }

    /** Writes checkpoint {@code name} atomically. */
    public void save(String name, Writer writer) throws IOException {
        Files.createDirectories(saveDir);
        Path tmp = Files.createTempDirectory(saveDir, name + ".tmp-");
        try {
            writer.writeInto(tmp);
            AtomicFiles.fsyncTree(tmp); // content on disk before the renames that publish it
            swapIn(tmp, saveDir.resolve(name));
            AtomicFiles.fsync(saveDir);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Copies checkpoint {@code from} to {@code to} atomically (e.g. last → best). */
    public void copy(String from, String to) throws IOException {
        Path src = saveDir.resolve(from);
        save(to, dir -> {
            try (Stream<Path> s = Files.list(src)) {
                for (Path f : s.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
        });
    }

    /** Deletes the oldest numbered checkpoints beyond {@code keepLast}. */
    public void prune() throws IOException {
        if (keepLast <= 0) {
            return;
        }
        List<Path> numbered = numbered();
        for (int i = 0; i + keepLast < numbered.size(); i++) {
            deleteTree(numbered.get(i));
        }
    }

    /** Numbered checkpoints, oldest first. */
    public List<Path> numbered() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(saveDir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(saveDir)) {
            s.filter(p -> NUMBERED.matcher(p.getFileName().toString()).matches()).forEach(out::add);
        }
        out.sort(Comparator.comparingLong(Checkpoints::stepOf));
        return out;
    }

    private static long stepOf(Path p) {
        Matcher m = NUMBERED.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static void swapIn(Path tmp, Path target) throws IOException {
        Path old = target.resolveSibling(target.getFileName() + ".old");
        deleteTree(old);
        if (Files.exists(target)) {
            AtomicFiles.move(target, old);
        }
        TestHooks.reached("checkpoint.swap", target); // a crash here leaves only NAME.old: recover() restores it
        AtomicFiles.move(tmp, target);
        deleteTree(old);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
