package org.dmodel.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmodel.io.TestHooks;

/**
 * A command's {@code main} run in a child JVM on the test classpath, for tests that kill it ({@code kill -9}) or
 * send it real signals, optionally stopped at a {@link TestHooks} point first. stdout and stderr go to one log
 * file. Close it in a finally block (try-with-resources): that kills the process if it still runs. Waits have
 * generous timeouts and fail with the log's tail; nothing is timed.
 */
public final class ChildJvm implements AutoCloseable {
    /** Long enough for a loaded CI machine; a healthy run takes seconds. */
    public static final Duration PATIENCE = Duration.ofMinutes(3);

    private final Process process;
    private final Path log;
    private final Path pauseFile;
    private final String name;

    private ChildJvm(Process process, Path log, Path pauseFile, String name) {
        this.process = process;
        this.log = log;
        this.pauseFile = pauseFile;
        this.name = name;
    }

    /**
     * Starts {@code mainClass} with {@code args}; with {@code pauseAt} non-null ({@code POINT} or {@code POINT#N})
     * it stops there until {@link #resume()}. Files go to {@code work/NAME.log} and {@code work/NAME.paused}.
     */
    public static ChildJvm start(Path work, String name, String pauseAt, Class<?> mainClass, List<String> args)
            throws IOException {
        Path log = work.resolve(name + ".log");
        Path pauseFile = work.resolve(name + ".paused");
        Files.deleteIfExists(pauseFile);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
        for (String p : new String[] {"DJL_CACHE_DIR", "ENGINE_CACHE_DIR"}) {
            if (System.getProperty(p) != null) {
                cmd.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        if (pauseAt != null) {
            cmd.add("-D" + TestHooks.PAUSE_AT + "=" + pauseAt);
            cmd.add("-D" + TestHooks.PAUSE_FILE + "=" + pauseFile);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildJvm(p, log, pauseFile, name);
    }

    /** Waits until the process stands at its pause point; fails if it exits first. */
    public void awaitPause() throws Exception {
        await(() -> Files.exists(pauseFile), "reach its pause point");
    }

    /** Lets a paused process go on. */
    public void resume() throws IOException {
        Files.delete(pauseFile);
    }

    /** Waits until the log contains {@code text}; fails if the process exits first. */
    public void awaitLog(String text) throws Exception {
        await(() -> log().contains(text), "log \"" + text + "\"");
    }

    /** {@code kill -9}: ends the process at once, as a crash or an OOM killer would; waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            fail(name + ": still alive after kill -9");
        }
    }

    /** Sends a real signal ({@code TERM}, {@code INT}) with the system's {@code kill}. */
    public void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS) || kill.exitValue() != 0) {
            fail("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to end; returns its exit status. */
    public int awaitExit() throws Exception {
        if (!process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            fail(name + ": still running after " + PATIENCE + "\n" + tail());
        }
        return process.exitValue();
    }

    /** Everything the process wrote so far. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The last 4000 characters of the log, for failure messages. */
    public String tail() throws IOException {
        String l = log();
        return name + " log:\n" + (l.length() > 4000 ? l.substring(l.length() - 4000) : l);
    }

    /** A condition that may read files. */
    private interface Condition {
        boolean holds() throws IOException;
    }

    private void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.holds()) {
            if (!process.isAlive()) {
                if (condition.holds()) {
                    return;
                }
                fail(name + ": exited with " + process.exitValue() + " before it could " + what + "\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                fail(name + ": did not " + what + " within " + PATIENCE + "\n" + tail());
            }
            Thread.sleep(20);
        }
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
