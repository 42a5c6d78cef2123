package org.dmodel.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmodel.io.ModelDirectory;
import org.dmodel.train.TrainingFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training does not depend on the garbage collector (djl-notes.md pitfall 11): the same runs, for both architectures ×
 * MHA/GQA/TPA × standard/νGPT, trained in one child JVM that collects all the time (serial collector, 1 MiB young
 * generation, a full collection forced every 2 ms) and in one that never collects (Epsilon), log bit-identical
 * losses and gradient norms for every update, skip none, and end with byte-identical parameters. Before the fix the
 * first JVM skipped non-finite updates and drifted from the second within a few updates.
 */
class GarbageCollectionIndependenceTest {
    private static final int UPDATES = 40;
    private static final List<String> RUNS = List.of(
            "encdec,mha,standard", "encdec,gqa:2,standard", "encdec,tpa:2/1/1,standard",
            "lwc,mha,standard", "lwc,gqa:2,standard", "lwc,tpa:2/1/1,standard",
            "encdec,mha,nugpt", "encdec,gqa:2,nugpt", "encdec,tpa:2/1/1,nugpt",
            "lwc,mha,nugpt", "lwc,gqa:2,nugpt", "lwc,tpa:2/1/1,nugpt");
    /** What each logged update must repeat exactly (time, speed and memory may differ). */
    private static final List<String> EXACT = List.of("step", "loss", "nll", "gnorm", "lr", "nanTotal");

    @TempDir
    Path work;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void collectingAllTheTimeOrNeverTrainsTheSame() throws Exception {
        Path train = TrainingFixtures.reverseTask(work, "train", 600, 1);
        Process collecting = start("collecting", 2, "-XX:+UseSerialGC", "-Xmn1m", "-Xmx512m");
        Process never = start("never", 0, "-XX:+UnlockExperimentalVMOptions", "-XX:+UseEpsilonGC", "-Xmx3g");
        finish(collecting, "collecting");
        finish(never, "never");
        for (String run : RUNS) {
            Path a = work.resolve("collecting").resolve(TrainUnderGarbageCollection.dirName(run));
            Path b = work.resolve("never").resolve(TrainUnderGarbageCollection.dirName(run));
            List<JsonObject> ma = TrainingFixtures.metrics(a, "train");
            List<JsonObject> mb = TrainingFixtures.metrics(b, "train");
            assertEquals(UPDATES, ma.size(), run + ": updates logged while collecting");
            assertEquals(UPDATES, mb.size(), run + ": updates logged without collections");
            for (int i = 0; i < UPDATES; i++) {
                assertEquals(0, ma.get(i).get("nanTotal").getAsInt(), run + ": skipped updates while collecting");
                for (String key : EXACT) {
                    assertEquals(mb.get(i).get(key).getAsDouble(), ma.get(i).get(key).getAsDouble(),
                            run + ", update " + (i + 1) + ": " + key);
                }
            }
            assertArrayEquals(parameters(b), parameters(a), run + ": final parameters");
        }
    }

    private static byte[] parameters(Path saveDir) throws IOException {
        return Files.readAllBytes(saveDir.resolve("checkpoint_last").resolve(ModelDirectory.PARAMETERS));
    }

    private Process start(String name, int collectEveryMs, String... jvmOptions) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-Dai.djl.offline=true", "-Dai.djl.pytorch.num_interop_threads=1",
                "-cp", System.getProperty("java.class.path"), TrainUnderGarbageCollection.class.getName(),
                String.valueOf(collectEveryMs), work.resolve(name).toString(), work.resolve("train").toString(),
                TrainingFixtures.SPM.toString(), String.valueOf(UPDATES)));
        cmd.addAll(RUNS);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile())
                .start();
    }

    private void finish(Process p, String name) throws Exception {
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String log = Files.readString(work.resolve(name + ".log"), StandardCharsets.UTF_8);
        assertTrue(done, name + ": still running after 15 minutes\n" + tail(log));
        assertEquals(0, p.exitValue(), name + " JVM failed:\n" + tail(log));
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }
}
