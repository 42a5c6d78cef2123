package org.dmodel.translate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.translate.TestModels;
import org.dmodel.translate.TranslatorOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.dmodel.testing.CommandRun;
import org.junit.jupiter.api.io.TempDir;

/** {@code nmt-translate} over files: line alignment, n-best format, errors, model info. */
class TranslateCommandTest {
    @TempDir
    static Path models;
    static Path model;

    @TempDir
    Path dir;

    @BeforeAll
    static void save() throws IOException {
        model = TestModels.random(models.resolve("m"), "lwc", "gqa:1");
    }

    static CommandRun translate(String... args) {
        return CommandRun.of(new TranslateCommand(), args);
    }

    @Test
    void everyInputLineGetsExactlyOneOutputLineInOrder() throws IOException {
        List<String> lines = new ArrayList<>(List.of("Hello.", "", "   ", "!!!", "?", "Guten Morgen, Tom.", ""));
        lines.add("word ".repeat(400).trim()); // longer than --max-source-tokens: truncated with a warning
        lines.add("The end.");
        Path in = dir.resolve("in.txt");
        Files.write(in, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("out.txt");
        CommandRun r = translate("-m", model.toString(), "-i", in.toString(), "-o", out.toString(), "--beam", "2",
                "--max-len-b", "5", "--max-source-tokens", "64", "-q");
        assertEquals(0, r.status(), r.err());
        List<String> got = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(lines.size(), got.size());
        assertEquals("", got.get(1));
        assertTrue(r.err().contains(in + ":8: warning: longer than 64 tokens; truncated"), r.err());
        try (var s = Files.list(dir)) {
            assertEquals(List.of("in.txt", "out.txt"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary left behind");
        }
    }

    @Test
    void nBestLinesCarryIndexTextAndScoreBestFirst() throws IOException {
        Path in = dir.resolve("in.txt");
        Files.write(in, List.of("One.", "Two words."), StandardCharsets.UTF_8);
        CommandRun r = translate("-m", model.toString(), "-i", in.toString(), "--beam", "3", "--nbest", "3",
                "--max-len-b", "4");
        assertEquals(0, r.status(), r.err());
        CommandRun best = translate("-m", model.toString(), "-i", in.toString(), "--beam", "3", "--max-len-b", "4");
        assertEquals(0, best.status(), best.err());
        String[] oneBest = best.out().split("\n", -1);
        String[] out = r.out().split("\n");
        assertEquals(6, out.length);
        for (int i = 0; i < out.length; i++) {
            String[] parts = out[i].split(" \\|\\|\\| ", -1);
            assertEquals(3, parts.length, out[i]);
            assertEquals(Integer.toString(i / 3), parts[0]);
            if (i % 3 == 0) {
                assertEquals(oneBest[i / 3], parts[1], "the first of the n-best is the 1-best output");
            } else {
                double previous = Double.parseDouble(out[i - 1].split(" \\|\\|\\| ", -1)[2]);
                assertTrue(Double.parseDouble(parts[2]) <= previous, "best first: " + r.out());
            }
        }
    }

    @Test
    void int8PrecisionTranslatesEveryLineAndAnUnknownPrecisionIsRefused() throws IOException {
        Path in = dir.resolve("in.txt");
        Files.write(in, List.of("One.", "", "Two words."), StandardCharsets.UTF_8);
        CommandRun r = translate("-m", model.toString(), "-i", in.toString(), "--beam", "2", "--max-len-b", "4",
                "--precision", "int8");
        assertEquals(0, r.status(), r.err());
        String[] out = r.out().split("\n", -1);
        assertEquals(4, out.length, r.out()); // three lines, each ended
        assertEquals("", out[1]);
        CommandRun bad = translate("-m", model.toString(), "-i", in.toString(), "--precision", "int4");
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("--precision int4: expected float32 or int8"), bad.err());
        assertEquals("", bad.out());
    }

    @Test
    void anNBestLargerThanTheBeamIsRefusedBeforeTranslating() throws IOException {
        Path in = dir.resolve("in.txt");
        Files.write(in, List.of("One."), StandardCharsets.UTF_8);
        CommandRun r = translate("-m", model.toString(), "-i", in.toString(), "--beam", "2", "--nbest", "3");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("--nbest 3 exceeds --beam 2"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void invalidUtf8IsReportedWithItsLineAndTheOldOutputSurvives() throws IOException {
        Path in = dir.resolve("bad.txt");
        Files.write(in, new byte[] {'o', 'k', '\n', 'b', (byte) 0xE9, 'd', '\n'});
        Path out = dir.resolve("out.txt");
        Files.writeString(out, "previous output\n");
        CommandRun r = translate("-m", model.toString(), "-i", in.toString(), "-o", out.toString(), "--max-len-b", "3");
        assertTrue(r.status() != 0);
        assertTrue(r.err().contains(in + ":2: invalid UTF-8"), r.err());
        assertEquals("previous output\n", Files.readString(out), "a failed run never corrupts the old output");
        try (var s = Files.list(dir)) {
            assertEquals(List.of("bad.txt", "out.txt"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "the failed run's temporary file is deleted");
        }
    }

    @Test
    void referenceScoresAreThoseOfNmtScoreOnTheOutput() throws IOException {
        Path in = dir.resolve("in.txt");
        Files.write(in, List.of("Hello.", "Thanks.", "Where is the station?"), StandardCharsets.UTF_8);
        Path out = dir.resolve("o");
        String[] options = {"-m", model.toString(), "-i", in.toString(), "-o", out.toString(), "--max-len-b", "6", "-q"};
        assertEquals(0, translate(options).status());
        // a reference that shares most of the output's words, so that both metrics are far from 0
        Path ref = dir.resolve("ref.txt");
        List<String> refs = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            refs.add(line + " und");
        }
        Files.write(ref, refs, StandardCharsets.UTF_8);
        List<String> withRef = new ArrayList<>(List.of(options));
        withRef.addAll(List.of("-r", ref.toString()));
        CommandRun r = translate(withRef.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        CommandRun score = CommandRun.of(new ScoreCommand(), ref.toString(), "-i", out.toString(), "-m", "bleu",
                "chrf", "-f", "text");
        assertEquals(0, score.status(), score.err());
        for (String metric : List.of("BLEU\\|nrefs:1\\|case:mixed\\|eff:no\\|tok:13a\\|smooth:exp", "chrF2\\|nrefs:1")) {
            Pattern p = Pattern.compile("(" + metric + "\\S*) = ([0-9.]+)");
            Matcher printed = p.matcher(r.err());
            Matcher scored = p.matcher(score.out());
            assertTrue(printed.find(), r.err());
            assertTrue(scored.find(), score.out());
            assertEquals(scored.group(1), printed.group(1), "signature");
            assertEquals(scored.group(2), printed.group(2), "score");
            assertTrue(Double.parseDouble(printed.group(2)) > 10, "precondition: a score far from 0: " + r.err());
        }
    }

    @Test
    void modelInfoPrintsTheSummary() throws IOException {
        CommandRun r = translate("--model-info", model.toString());
        assertEquals(0, r.status(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("lwc", o.get("architecture").getAsString());
        try (LoadedModel m = ModelDirectory.load(model, Device.cpu())) {
            long count = m.block().getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(count, o.get("parameters").getAsLong());
        }
    }

    @Test
    void workersShareTheCoresUnlessGiven() {
        int cores = Runtime.getRuntime().availableProcessors();
        TranslatorOptions cpu = TranslatorOptions.defaults();
        assertEquals(cores, TranslatorOptionTable.workers(0, cpu), "one worker per core");
        assertEquals(1, cpu.toBuilder().workers(cores).build().intraOpThreads(), "each on one thread");
        assertEquals(Math.max(1, cores / 2), TranslatorOptionTable.workers(0, cpu.toBuilder().threads(2).build()),
                "--threads 2: a worker per two cores");
        assertEquals(3, TranslatorOptionTable.workers(3, cpu), "--workers wins");
        assertEquals(1, TranslatorOptionTable.workers(0, cpu.toBuilder().device("gpu").build()), "one on a GPU");
    }

    @Test
    void aMissingModelIsNamed() {
        CommandRun r = translate("-m", dir.resolve("nope").toString());
        assertTrue(r.status() != 0);
        assertTrue(r.err().contains(dir.resolve("nope") + ": not a dmodel model directory"), r.err());
    }

    @Test
    void aShortlistLimitsEachSentenceToTheFrequentPiecesAndTheTranslationsOfItsOwn() throws IOException {
        Path lexicon = dir.resolve("lex.tsv");
        Files.writeString(lexicon, "# hand-made\n\t.\t0.5\n\t▁Hallo\t0.1\n▁Morgen\t▁Morgen\t0.9\n",
                StandardCharsets.UTF_8);
        Path in = dir.resolve("in.txt");
        Files.write(in, List.of("Morgen", "Hello there, nice to meet you."), StandardCharsets.UTF_8);
        Path out = dir.resolve("out.txt");
        CommandRun r = translate("-m", model.toString(), "-i", in.toString(), "-o", out.toString(), "--beam", "2",
                "--max-len-b", "6", "--shortlist", lexicon.toString(), "--shortlist-first", "1", "-q");
        assertEquals(0, r.status(), r.err());
        List<String> got = Files.readAllLines(out, StandardCharsets.UTF_8);
        // first 1: "." for every sentence; "Morgen" only where the source has ▁Morgen; ▁Hallo is never allowed; with
        // the joint vocabulary each sentence may also copy its own source pieces
        assertTrue(got.get(0).matches("[.]*(Morgen[. ]*)*") && !got.get(0).isEmpty(), got.get(0));
        assertTrue(got.get(1).matches("[Helothr,nicmyu. ]*"), got.get(1));

        Files.writeString(lexicon, "\t▁NotAPieceOfThisModel\t0.5\n", StandardCharsets.UTF_8);
        CommandRun other = translate("-m", model.toString(), "-i", in.toString(), "-o", out.toString(), "--shortlist",
                lexicon.toString());
        assertTrue(other.status() != 0);
        assertTrue(other.err().contains(lexicon + ":1: target piece '▁NotAPieceOfThisModel' is not in the model's"
                + " vocabulary"), other.err());
        assertEquals(2, translate("-m", model.toString(), "-i", in.toString(), "--shortlist-best", "5").status(),
                "a shortlist size without --shortlist");
    }
}
