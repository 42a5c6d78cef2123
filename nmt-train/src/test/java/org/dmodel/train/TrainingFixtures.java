package org.dmodel.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dmodel.testing.CommandRun;
import org.dmodel.train.cli.TrainCommand;

/** A reverse-the-words task written as a tiny parallel corpus, and readers for what training writes. */
public final class TrainingFixtures {
    public static final Path SPM = Path.of(System.getProperty("dmodel.repo.dir", ".."), "data", "tatoeba-eng-deu",
            "spm.model");
    private static final String[] WORDS = {"the", "cat", "dog", "house", "tree", "red", "blue", "big", "small",
        "runs", "sees", "water", "book", "car", "green", "old"};

    private TrainingFixtures() {}

    /** Writes PREFIX.en / PREFIX.de with {@code pairs} lines: target = source words reversed. */
    public static Path reverseTask(Path dir, String name, int pairs, long seed) throws IOException {
        Random r = new Random(seed);
        List<String> src = new ArrayList<>();
        List<String> tgt = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            int n = 2 + r.nextInt(5);
            List<String> words = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                words.add(WORDS[r.nextInt(WORDS.length)]);
            }
            src.add(String.join(" ", words));
            java.util.Collections.reverse(words);
            tgt.add(String.join(" ", words));
        }
        Path prefix = dir.resolve(name);
        Files.write(Path.of(prefix + ".en"), src, StandardCharsets.UTF_8);
        Files.write(Path.of(prefix + ".de"), tgt, StandardCharsets.UTF_8);
        return prefix;
    }

    /**
     * Runs {@code nmt-train} in process on {@code train} (a {@link #reverseTask}) with a tiny model and the options
     * the tests share (seed 7, batches of 400 tokens, a progress record per update), plus {@code extra}.
     */
    public static CommandRun tinyRun(Path train, Path saveDir, String... extra) {
        List<String> args = new ArrayList<>(List.of("--train", train.toString(), "--src-lang", "en", "--tgt-lang", "de",
                "--spm", SPM.toString(), "--save-dir", saveDir.toString(), "--preset", "tiny", "--max-tokens", "400",
                "--lr", "3e-3", "--warmup-steps", "5", "--log-every", "1", "--seed", "7"));
        args.addAll(List.of(extra));
        return CommandRun.of(new TrainCommand(), args.toArray(String[]::new));
    }

    /** The {@code kind} records of a run's metrics.jsonl, in order. */
    public static List<JsonObject> metrics(Path saveDir, String kind) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(saveDir.resolve("metrics.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("kind").getAsString().equals(kind)) {
                out.add(o);
            }
        }
        return out;
    }
}
