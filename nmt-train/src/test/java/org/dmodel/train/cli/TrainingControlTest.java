package org.dmodel.train.cli;

import static org.dmodel.train.TrainingFixtures.metrics;
import static org.dmodel.train.TrainingFixtures.tinyRun;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.testing.CommandRun;
import org.dmodel.train.Checkpoints;
import org.dmodel.train.TrainingFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the options that steer a run actually change: how batches are grouped into updates, which numbered
 * checkpoints stay, when early stopping and the time budget end the run, which checkpoint becomes the best, and
 * what averaging computes. Each test runs the real command in process on the tiny reverse task.
 */
class TrainingControlTest {
    @TempDir
    static Path data;
    static Path train;
    static Path valid;

    @TempDir
    Path work;

    @BeforeAll
    static void corpus() throws IOException {
        train = TrainingFixtures.reverseTask(data, "train", 600, 1);
        valid = TrainingFixtures.reverseTask(data, "valid", 40, 2);
    }

    private static CommandRun run(Path saveDir, String... extra) {
        CommandRun r = tinyRun(train, saveDir, extra);
        assertEquals(0, r.status(), r.err());
        return r;
    }

    private static JsonObject trainerState(Path checkpoint) throws IOException {
        return JsonParser.parseString(Files.readString(checkpoint.resolve("trainer-state.json"), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    private static byte[] parameters(Path checkpoint) throws IOException {
        return Files.readAllBytes(checkpoint.resolve(ModelDirectory.PARAMETERS));
    }

    @Test
    void updateFreqSumsThatManyConsecutiveBatchesIntoEachUpdate() throws IOException {
        // the batch sequence of an epoch depends only on the seed, so with --update-freq 2 update i is made of
        // the batches that updates 2i and 2i+1 used with --update-freq 1
        Path single = work.resolve("freq1");
        Path paired = work.resolve("freq2");
        run(single, "--max-epochs", "1");
        run(paired, "--max-epochs", "1", "--update-freq", "2");
        List<JsonObject> a = metrics(single, "train");
        List<JsonObject> b = metrics(paired, "train");
        assertEquals((a.size() + 1) / 2, b.size(), "updates in one epoch");
        for (int i = 0; i < b.size(); i++) {
            long tokens = a.get(2 * i).get("targetTokens").getAsLong();
            long sentences = a.get(2 * i).get("sentences").getAsLong();
            if (2 * i + 1 < a.size()) {
                tokens += a.get(2 * i + 1).get("targetTokens").getAsLong();
                sentences += a.get(2 * i + 1).get("sentences").getAsLong();
            }
            assertEquals(tokens, b.get(i).get("targetTokens").getAsLong(), "target tokens of update " + (i + 1));
            assertEquals(sentences, b.get(i).get("sentences").getAsLong(), "sentences of update " + (i + 1));
        }
    }

    @Test
    void keepLastPrunesTheOldestNumberedCheckpoints() throws IOException {
        Path dir = work.resolve("keep");
        run(dir, "--max-steps", "5", "--save-every", "1", "--keep-last", "2");
        List<String> left = new Checkpoints(dir, 0).numbered().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("checkpoint_4", "checkpoint_5"), left);
        assertEquals(5, trainerState(dir.resolve(Checkpoints.LAST)).get("step").getAsLong());
    }

    @Test
    void patienceStopsAfterThatManyValidationsWithoutImprovement() throws IOException {
        // a learning rate too small to move any float32 weight: the validation loss never improves after the first
        Path dir = work.resolve("patience");
        CommandRun r = run(dir, "--valid", valid.toString(), "--valid-beam", "0", "--validate-every", "1",
                "--patience", "2", "--max-steps", "50", "--lr", "1e-30", "--warmup-steps", "0", "--lr-scheduler",
                "fixed");
        assertTrue(r.err().contains("early stop: no improvement in 2 validations"), r.err());
        List<JsonObject> validations = metrics(dir, "valid");
        assertEquals(3, validations.size(), "the first validation sets the best, two more do not improve on it");
        JsonObject state = trainerState(dir.resolve(Checkpoints.LAST));
        assertEquals(3, state.get("step").getAsLong());
        assertEquals(1, state.get("bestStep").getAsLong());
    }

    @Test
    void theBestCheckpointHoldsTheParametersOfTheValidationWithTheLowestLoss() throws IOException {
        // a high fixed rate makes the validation loss go up and down, so the best is not simply the last
        Path dir = work.resolve("best");
        run(dir, "--valid", valid.toString(), "--valid-beam", "0", "--validate-every", "1", "--save-every", "1",
                "--keep-last", "0", "--max-steps", "8", "--lr", "3e-2", "--warmup-steps", "0", "--lr-scheduler",
                "fixed");
        List<JsonObject> validations = metrics(dir, "valid");
        JsonObject lowest = validations.stream()
                .min((x, y) -> Double.compare(x.get("loss").getAsDouble(), y.get("loss").getAsDouble())).orElseThrow();
        long bestStep = lowest.get("step").getAsLong();
        assertNotEquals(8, bestStep, "precondition: the loss rose after its best validation");
        assertEquals(bestStep, trainerState(dir.resolve(Checkpoints.LAST)).get("bestStep").getAsLong());
        assertArrayEquals(parameters(dir.resolve("checkpoint_" + bestStep)), parameters(dir.resolve(Checkpoints.BEST)));
        assertFalse(Arrays.equals(parameters(dir.resolve(Checkpoints.LAST)), parameters(dir.resolve(Checkpoints.BEST))));
    }

    @Test
    void aTimeBudgetEndsTheRunWithACheckpoint() throws IOException {
        Path dir = work.resolve("budget");
        CommandRun r = run(dir, "--time-budget", "2");
        assertTrue(r.err().contains("time budget of 2 s reached"), r.err());
        JsonObject state = trainerState(dir.resolve(Checkpoints.LAST));
        assertTrue(state.get("elapsedSeconds").getAsDouble() >= 2, state.toString());
        assertEquals(metrics(dir, "train").size(), state.get("step").getAsLong(), "every update logged and saved");
    }

    @Test
    void averagingGivesTheElementWiseMeanOfDifferentCheckpoints() throws Exception {
        Path dir = work.resolve("avg");
        run(dir, "--max-steps", "2", "--save-every", "1", "--keep-last", "0");
        Path out = work.resolve("averaged");
        assertEquals(0, new AverageCommand().execute("--inputs", dir.resolve("checkpoint_1").toString(),
                dir.resolve("checkpoint_2").toString(), "--output", out.toString()));
        try (LoadedModel a = ModelDirectory.load(dir.resolve("checkpoint_1"), Device.cpu());
                LoadedModel b = ModelDirectory.load(dir.resolve("checkpoint_2"), Device.cpu());
                LoadedModel mean = ModelDirectory.load(out, Device.cpu())) {
            List<Parameter> pa = a.block().getParameters().values();
            List<Parameter> pb = b.block().getParameters().values();
            List<Parameter> pm = mean.block().getParameters().values();
            boolean anyDiffers = false;
            for (int i = 0; i < pa.size(); i++) {
                float[] x = pa.get(i).getArray().toFloatArray();
                float[] y = pb.get(i).getArray().toFloatArray();
                float[] expected = new float[x.length];
                for (int j = 0; j < x.length; j++) {
                    expected[j] = (x[j] + y[j]) / 2;
                }
                anyDiffers |= !Arrays.equals(x, y);
                assertArrayEquals(expected, pm.get(i).getArray().toFloatArray(), 1e-7f, pa.get(i).getName());
            }
            assertTrue(anyDiffers, "precondition: the two checkpoints differ");
        }
    }
}
