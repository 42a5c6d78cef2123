package org.dmodel.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * Test-only: named points in crash-sensitive code (checkpoint swaps, fsyncs, binarizing, updates, validation,
 * output files) where tests observe or stop a process. In normal runs every call is a no-op: no listener is set
 * and the system property {@value #PAUSE_AT} is absent.
 *
 * <ul>
 *   <li>In-process tests set a {@link #listen listener} that sees each point with its path (e.g. the order of
 *       {@code fsync} and {@code rename} events of a swap).</li>
 *   <li>Child-process tests start a command with {@code -Ddmodel.test.pause-at=POINT} (or {@code POINT#N}: the N-th
 *       time it is reached) and {@code -Ddmodel.test.pause-file=FILE}. On reaching the point the process writes FILE
 *       and waits until FILE is deleted; meanwhile the test kills it or sends it a signal.</li>
 * </ul>
 * Points: {@code binarize} (dataset written, not yet renamed into place), {@code update} (gradients computed,
 * parameters not yet updated), {@code validation} (starting), {@code model.write} ({@code parameters.bin} written,
 * manifest not yet), {@code checkpoint.swap} (old checkpoint renamed aside, new one not yet in place),
 * {@code translate.output} (translations written to the temporary file, {@code -o} not yet replaced), and for
 * listeners {@code fsync} and {@code rename} with the path concerned. Thread-safe.
 */
public final class TestHooks {
    /** System property: the point to pause at, {@code NAME} or {@code NAME#N}. */
    public static final String PAUSE_AT = "dmodel.test.pause-at";
    /** System property: the file written on pausing; deleting it lets the process go on. */
    public static final String PAUSE_FILE = "dmodel.test.pause-file";

    private static final String PAUSE_POINT;
    private static final int PAUSE_OCCURRENCE;
    private static final AtomicInteger REACHED = new AtomicInteger();
    private static volatile BiConsumer<String, Path> listener;

    static {
        String p = System.getProperty(PAUSE_AT);
        int hash = p == null ? -1 : p.indexOf('#');
        PAUSE_POINT = hash < 0 ? p : p.substring(0, hash);
        PAUSE_OCCURRENCE = hash < 0 ? 1 : Integer.parseInt(p.substring(hash + 1));
    }

    private TestHooks() {}

    /** Sets (or with null clears) the in-process listener of every point reached, in any thread. */
    public static void listen(BiConsumer<String, Path> l) {
        listener = l;
    }

    /** Marks that {@code point} is reached, concerning {@code path} (may be null); see the class comment. */
    public static void reached(String point, Path path) {
        BiConsumer<String, Path> l = listener;
        if (l != null) {
            l.accept(point, path);
        }
        if (PAUSE_POINT != null && PAUSE_POINT.equals(point) && REACHED.incrementAndGet() == PAUSE_OCCURRENCE) {
            pause(point);
        }
    }

    private static void pause(String point) {
        Path file = Path.of(System.getProperty(PAUSE_FILE, "dmodel-test-paused"));
        try {
            Files.writeString(file, point + "\n", StandardCharsets.UTF_8);
            while (Files.exists(file)) {
                Thread.sleep(10);
            }
        } catch (IOException e) {
            throw new IllegalStateException("test hook: cannot write " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
