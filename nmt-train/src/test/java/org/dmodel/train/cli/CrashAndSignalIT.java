package org.dmodel.train.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.testing.ChildJvm;
import org.dmodel.train.Checkpoints;
import org.dmodel.train.TrainingFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README "Training" promises, tested on real processes: {@code nmt-train} runs in a child JVM, stopped at a named
 * point ({@link org.dmodel.io.TestHooks}) and then killed with {@code kill -9} or sent SIGINT/SIGTERM. After each
 * stop every checkpoint left behind loads, {@code metrics.jsonl} holds whole JSON lines, and the same command
 * resumes from {@code checkpoint_last} by itself; a chain of such runs ends with the losses, validations and
 * parameters of one uninterrupted run, bit for bit.
 */
class CrashAndSignalIT {
    private static final int MAX_STEPS = 8;

    @TempDir
    static Path work;
    static Path train;
    static Path valid;
    static List<JsonObject> referenceTrain;
    static List<JsonObject> referenceValid;
    static byte[] referenceParameters;

    @BeforeAll
    static void uninterruptedRun() throws Exception {
        train = TrainingFixtures.reverseTask(work, "train", 600, 1);
        valid = TrainingFixtures.reverseTask(work, "valid", 40, 2);
        Path save = work.resolve("reference");
        try (ChildJvm c = start("reference", null, save)) {
            assertEquals(0, c.awaitExit(), c.tail());
        }
        referenceTrain = TrainingFixtures.metrics(save, "train");
        referenceValid = TrainingFixtures.metrics(save, "valid");
        assertEquals(MAX_STEPS, referenceTrain.size());
        referenceParameters = parameters(save.resolve(Checkpoints.LAST));
    }

    /** The same nmt-train command every time: 8 updates, validation (and checkpoint_last) every 2. */
    private static ChildJvm start(String name, String pauseAt, Path saveDir) throws IOException {
        return ChildJvm.start(work, name, pauseAt, TrainCommand.class, List.of("--train", train.toString(),
                "--valid", valid.toString(), "--src-lang", "en", "--tgt-lang", "de",
                "--spm", TrainingFixtures.SPM.toString(), "--save-dir", saveDir.toString(), "--preset", "tiny",
                "--max-tokens", "400", "--lr", "3e-3", "--warmup-steps", "5", "--log-every", "1", "--seed", "7",
                "--dropout", "0.1", "--max-steps", String.valueOf(MAX_STEPS), "--validate-every", "2",
                "--threads", "1"));
    }

    /** One stop: where the run is stopped, and the update checkpoint_last (or its aside copy) holds afterwards. */
    private record Stop(String pauseAt, long lastStep) {}

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void killedAtAnyMomentTheSameCommandResumesAndEndsLikeAnUninterruptedRun() throws Exception {
        Path save = work.resolve("killed");
        List<Stop> stops = List.of(
                new Stop("binarize", -1),             // data-bin written, not yet renamed into place
                new Stop("update#3", 2),              // gradients computed, parameters not yet updated
                new Stop("validation#1", 2),          // validating after update 4
                new Stop("model.write#1", 2),         // writing checkpoint_last of update 4: parameters.bin done
                new Stop("checkpoint.swap#1", 2));    // checkpoint_last renamed aside, the new one not yet in place
        long resumeFrom = -1;
        for (int i = 0; i < stops.size(); i++) {
            Stop stop = stops.get(i);
            String name = "kill-" + i;
            try (ChildJvm c = start(name, stop.pauseAt(), save)) {
                c.awaitPause();
                if (i > 0) { // binarizing comes before the run opens its save directory
                    assertResumedFrom(c.log(), save, resumeFrom, name);
                }
                c.kill();
            }
            String at = "after kill -9 at " + stop.pauseAt() + ": ";
            if (stop.pauseAt().equals("binarize")) {
                assertTrue(names(save.resolve("data-bin")).stream().anyMatch(n -> n.startsWith("train.tmp-")),
                        at + "the kill came while binarizing " + names(save.resolve("data-bin")));
                assertFalse(Files.exists(save.resolve(Checkpoints.LAST)), at + "no checkpoint yet");
            } else if (stop.pauseAt().startsWith("checkpoint.swap")) {
                assertFalse(Files.exists(save.resolve(Checkpoints.LAST)), at + names(save));
                assertEquals(stop.lastStep(), step(save.resolve(Checkpoints.LAST + ".old")), at + "the aside copy");
            } else {
                assertEquals(stop.lastStep(), step(save.resolve(Checkpoints.LAST)), at + "checkpoint_last");
                assertFalse(names(save.resolve("data-bin")).stream().anyMatch(n -> n.contains(".tmp-")),
                        at + "the interrupted binarization's leftovers were deleted " + names(save.resolve("data-bin")));
            }
            assertEveryCheckpointLoads(save, at);
            assertWholeJsonLines(save, at);
            resumeFrom = stop.lastStep();
        }
        // a kill inside the write of a metrics line leaves it cut short: the next run drops it
        Files.writeString(save.resolve("metrics.jsonl"), "{\"kind\":\"train\",\"step\":5,\"lo",
                StandardOpenOption.APPEND);
        try (ChildJvm c = start("kill-final", null, save)) {
            assertEquals(0, c.awaitExit(), c.tail());
            assertResumedFrom(c.log(), save, resumeFrom, "kill-final");
            assertTrue(c.log().contains("dropping an incomplete line"), c.tail());
        }
        assertLikeTheUninterruptedRun(save);
    }

    /** One signal: where the run stands when it arrives, which, the exit status, and the update saved. */
    private record Signal(String pauseAt, String signal, int status, long lastStep) {}

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void sigintAndSigtermSaveCheckpointLastAndExitWith128PlusTheSignal() throws Exception {
        Path save = work.resolve("signalled");
        List<Signal> signals = List.of(
                new Signal("update#3", "TERM", 143, 3),      // during update 3: it finishes, is saved
                new Signal("validation#1", "INT", 130, 4),   // during the validation after update 4
                new Signal("update#1", "INT", 130, 5),
                new Signal("validation#1", "TERM", 143, 6));
        long resumeFrom = -1;
        for (int i = 0; i < signals.size(); i++) {
            Signal s = signals.get(i);
            String name = "signal-" + i;
            String at = "after SIG" + s.signal() + " at " + s.pauseAt() + ": ";
            if (i == 3) {
                // a second signal ends the process at once, saving nothing; the checkpoints stay intact
                try (ChildJvm c = start(name + "-twice", s.pauseAt(), save)) {
                    c.awaitPause();
                    c.signal(s.signal());
                    c.awaitLog("SIG" + s.signal() + " received");
                    c.signal(s.signal());
                    assertEquals(s.status(), c.awaitExit(), c.tail());
                    assertTrue(c.log().contains("SIG" + s.signal() + " again: exiting now"), c.tail());
                }
                assertEquals(resumeFrom, step(save.resolve(Checkpoints.LAST)), at + "(twice) checkpoint_last");
                assertEveryCheckpointLoads(save, at);
            }
            try (ChildJvm c = start(name, s.pauseAt(), save)) {
                c.awaitPause();
                assertResumedFrom(c.log(), save, resumeFrom, name);
                c.signal(s.signal());
                c.awaitLog("SIG" + s.signal() + " received"); // handled before the paused thread goes on
                c.resume();
                assertEquals(s.status(), c.awaitExit(), at + "exit status\n" + c.tail());
                assertTrue(c.log().contains("interrupted: saving " + save.resolve(Checkpoints.LAST)), c.tail());
            }
            assertEquals(s.lastStep(), step(save.resolve(Checkpoints.LAST)), at + "checkpoint_last");
            assertEveryCheckpointLoads(save, at);
            assertWholeJsonLines(save, at);
            resumeFrom = s.lastStep();
        }
        try (ChildJvm c = start("signal-final", null, save)) {
            assertEquals(0, c.awaitExit(), c.tail());
            assertResumedFrom(c.log(), save, resumeFrom, "signal-final");
        }
        assertLikeTheUninterruptedRun(save);
    }

    private static void assertResumedFrom(String log, Path save, long step, String run) {
        String expected = step < 0 ? "starting a new run in " + save
                : "resuming from " + save.resolve(Checkpoints.LAST) + " at update " + step + " ";
        assertTrue(log.contains(expected), run + ": expected \"" + expected + "\" in\n" + log);
    }

    /** Losses and validations of every update once, equal to the uninterrupted run's; the same final parameters. */
    private static void assertLikeTheUninterruptedRun(Path save) throws IOException {
        assertWholeJsonLines(save, "at the end: ");
        List<JsonObject> trainLines = TrainingFixtures.metrics(save, "train");
        List<JsonObject> validLines = TrainingFixtures.metrics(save, "valid");
        assertEquals(steps(referenceTrain), steps(trainLines), "one train line per update, in order");
        assertEquals(steps(referenceValid), steps(validLines), "one valid line per validation, in order");
        for (int i = 0; i < trainLines.size(); i++) {
            for (String key : List.of("loss", "nll", "gnorm", "lr")) {
                assertEquals(referenceTrain.get(i).get(key).getAsDouble(), trainLines.get(i).get(key).getAsDouble(),
                        "update " + (i + 1) + ": " + key);
            }
        }
        for (int i = 0; i < validLines.size(); i++) {
            assertEquals(referenceValid.get(i).get("loss").getAsDouble(), validLines.get(i).get("loss").getAsDouble(),
                    "validation " + (i + 1));
        }
        assertArrayEquals(referenceParameters, parameters(save.resolve(Checkpoints.LAST)), "final parameters");
        for (Path dir : List.of(save, save.resolve("data-bin"))) {
            for (String n : names(dir)) {
                assertFalse(n.contains(".tmp-") || n.contains(".old"), "left behind in " + dir + ": " + n);
            }
        }
    }

    private static List<Long> steps(List<JsonObject> records) {
        return records.stream().map(o -> o.get("step").getAsLong()).toList();
    }

    /** Every directory in the save directory that is, or was, a checkpoint loads as a model directory. */
    private static void assertEveryCheckpointLoads(Path save, String at) throws IOException {
        int loaded = 0;
        for (String n : names(save)) {
            if (n.startsWith("checkpoint_") && !n.contains(".tmp-")) {
                try (LoadedModel m = ModelDirectory.load(save.resolve(n), Device.cpu())) {
                    assertTrue(m.block().getParameters().size() > 0);
                    loaded++;
                } catch (IOException e) {
                    throw new AssertionError(at + n + " does not load: " + e.getMessage(), e);
                }
            }
        }
        assertTrue(loaded > 0 || !Files.exists(save.resolve("metrics.jsonl")), at + "no checkpoint left: " + names(save));
    }

    /** metrics.jsonl (if any) is JSON objects, one per line, each ending with a newline. */
    private static void assertWholeJsonLines(Path save, String at) throws IOException {
        Path metrics = save.resolve("metrics.jsonl");
        if (!Files.exists(metrics)) {
            return;
        }
        String text = Files.readString(metrics, StandardCharsets.UTF_8);
        assertTrue(text.isEmpty() || text.endsWith("\n"), at + "metrics.jsonl ends inside a line");
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                assertTrue(JsonParser.parseString(line).isJsonObject(), at + line);
            }
        }
    }

    private static long step(Path checkpoint) throws IOException {
        return JsonParser.parseString(Files.readString(checkpoint.resolve("trainer-state.json"))).getAsJsonObject()
                .get("step").getAsLong();
    }

    private static byte[] parameters(Path checkpoint) throws IOException {
        return Files.readAllBytes(checkpoint.resolve(ModelDirectory.PARAMETERS));
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
