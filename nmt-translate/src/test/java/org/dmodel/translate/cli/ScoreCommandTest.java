package org.dmodel.translate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.dmodel.testing.CommandRun;
import org.junit.jupiter.api.io.TempDir;

/**
 * nmt-score in process: the sacreBLEU vectors copied into nmt-core's test resources must print sacreBLEU's
 * output byte for byte except the signature's version; bad input fails as sacreBLEU's does, with
 * dmodel's {@code file:line: what. What to do.} messages.
 */
class ScoreCommandTest {
    private static final String[] CASES = {"case000", "case003", "case004", "case012", "case017", "case020", "case021", "case022"};

    @TempDir
    Path dir;

    @Test
    void copiedSacrebleuVectorsPrintSacrebleusOutput() throws IOException {
        for (String c : CASES) {
            Path caseDir = copyCase(c);
            JsonArray args = JsonParser.parseString(Files.readString(caseDir.resolve("args.json"))).getAsJsonObject()
                    .getAsJsonArray("args");
            JsonArray refs = JsonParser.parseString(Files.readString(caseDir.resolve("args.json"))).getAsJsonObject()
                    .getAsJsonArray("refs");
            List<String> argv = new ArrayList<>();
            refs.forEach(r -> argv.add(caseDir.resolve(r.getAsString()).toString()));
            argv.add("-i");
            argv.add(caseDir.resolve("hyp.txt").toString());
            args.forEach(a -> argv.add(a.getAsString()));
            CommandRun run = run(null, argv.toArray(String[]::new));
            assertEquals(0, run.status(), c + ": " + run.err());
            Path expected = Files.exists(caseDir.resolve("expected.json")) ? caseDir.resolve("expected.json")
                    : caseDir.resolve("expected.txt");
            assertEquals(Files.readString(expected), run.out().replace("version:dmodel-0.1.0", "version:2.6.0")
                    .replace("\"version\": \"dmodel-0.1.0\"", "\"version\": \"2.6.0\""), c);
        }
    }

    @Test
    void hypothesesFromStdinWhenNoInputIsGiven() throws IOException {
        Path ref = write("ref.txt", "the cat sat on the mat\nhello world\n");
        CommandRun run = run("the cat sat on the mat\nhello world\n", ref.toString(), "-m", "bleu", "chrf", "-b", "-w", "2");
        assertEquals(0, run.status(), run.err());
        assertEquals("[\n100.00,\n100.00\n]\n", run.out());
    }

    @Test
    void textFormatAlignsMetricsOnEquals() throws IOException {
        Path ref = write("ref.txt", "the cat sat on the mat\n");
        Path hyp = write("hyp.txt", "the cat sat on a mat\n");
        CommandRun run = run(null, ref.toString(), "-i", hyp.toString(), "-m", "bleu", "ter", "-f", "text");
        assertEquals(0, run.status(), run.err());
        String[] lines = run.out().split("\n");
        assertEquals(2, lines.length);
        assertEquals(lines[0].indexOf(" = "), lines[1].indexOf(" = "), run.out());
        assertTrue(lines[0].startsWith(" ".repeat(8) + "BLEU|nrefs:1|"), run.out());
    }

    @Test
    void lineCountMismatchNamesFilesAndCounts() throws IOException {
        Path ref = write("ref.txt", "a\nb\nc\n");
        Path hyp = write("hyp.txt", "a\nb\n");
        CommandRun run = run(null, ref.toString(), "-i", hyp.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains(hyp + " has 2 lines but " + ref + " has 3"), run.err());
    }

    @Test
    void invalidUtf8NamesFileAndLine() throws IOException {
        Path ref = write("ref.txt", "a\nb\n");
        Path hyp = dir.resolve("hyp.txt");
        Files.write(hyp, new byte[] {'a', '\n', 'b', (byte) 0xFF, '\n'});
        CommandRun run = run(null, ref.toString(), "-i", hyp.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains(hyp + ":2: invalid UTF-8"), run.err());
    }

    @Test
    void emptyLinesScoreAsInSacrebleu() throws IOException {
        // sacreBLEU: an empty hypothesis has no n-grams; empty references make TER count every hypothesis word
        Path ref = write("ref.txt", "\nx y\n");
        Path hyp = write("hyp.txt", "a b\n\n");
        CommandRun run = run(null, ref.toString(), "-i", hyp.toString(), "-m", "bleu", "ter", "-w", "4");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("\"score\": 0.0,"), run.out());
        assertTrue(run.out().contains("\"verbose_score\": \"0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 2 ref_len = 2)\""), run.out());
        assertTrue(run.out().contains("\"score\": 200.0,"), run.out()); // TER: 2 + 2 edits over 2 words
    }

    @Test
    void unimplementedTokenizerIsAUsageError() throws IOException {
        Path ref = write("ref.txt", "a\n");
        CommandRun run = run("a\n", ref.toString(), "-tok", "ja-mecab");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("ja-mecab is not implemented"), run.err());
    }

    @Test
    void confidenceAddsBootstrapFieldsToTheSignature() throws IOException {
        Path ref = write("ref.txt", "the cat sat on the mat\nhello world\nan apple a day\n");
        Path hyp = write("hyp.txt", "the cat sat on a mat\nhello there world\nan apple each day\n");
        CommandRun run = run(null, ref.toString(), "-i", hyp.toString(), "-m", "chrf", "--confidence", "-cin", "200");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("\"signature\": \"nrefs:1|bs:200|seed:12345|case:mixed|eff:yes|nc:6|nw:0|space:no|version:dmodel-0.1.0\""),
                run.out());
        assertTrue(run.out().contains("\"confidence\": \"μ = "), run.out());
    }

    @Test
    void pairedBootstrapComparesSystemsWithTheFirst() throws IOException {
        Path ref = write("ref.txt", "the cat sat on the mat\nhello world\nan apple a day\n");
        Path a = write("a.txt", "the cat sat on a mat\nhello there world\nan apple each day\n");
        Path b = write("b.txt", "the cat sat on the mat\nhello world\nan apple a day\n");
        CommandRun run = run(null, ref.toString(), "-i", a.toString(), b.toString(), "--paired-bs", "-pbsn", "100");
        assertEquals(0, run.status(), run.err());
        JsonArray systems = JsonParser.parseString(run.out()).getAsJsonArray();
        assertEquals("Baseline: " + a, systems.get(0).getAsJsonObject().get("system").getAsString());
        assertTrue(systems.get(0).getAsJsonObject().getAsJsonObject("BLEU").get("p_value").isJsonNull());
        assertEquals(100.0, systems.get(1).getAsJsonObject().getAsJsonObject("BLEU").get("score").getAsDouble(), 1e-9);
    }

    @Test
    void approximateRandomizationGivesPValuesWithoutIntervals() throws IOException {
        Path ref = write("ref.txt", "the cat sat on the mat\nhello world\nan apple a day\n");
        Path a = write("a.txt", "the cat sat on a mat\nhello there world\nan apple each day\n");
        Path b = write("b.txt", "the cat sat on the mat\nhello world\nan apple a day\n");
        CommandRun run = run(null, ref.toString(), "-i", a.toString(), b.toString(), "--paired-ar", "-parn", "100");
        assertEquals(0, run.status(), run.err());
        JsonObject system = JsonParser.parseString(run.out()).getAsJsonArray().get(1).getAsJsonObject().getAsJsonObject("BLEU");
        assertTrue(system.get("mean").isJsonNull(), run.out());
        double p = system.get("p_value").getAsDouble();
        assertTrue(p > 0 && p <= 1, run.out());
        CommandRun text = run(null, ref.toString(), "-i", a.toString(), b.toString(), "--paired-ar", "-parn", "100",
                "--format", "text");
        assertTrue(text.out().contains(" - BLEU       nrefs:1|ar:100|seed:12345|case:mixed|"), text.out());
        assertEquals(2, run(null, ref.toString(), "-i", a.toString(), b.toString(), "--paired-ar", "--paired-bs").status());
    }

    private Path copyCase(String c) throws IOException {
        Path caseDir = Files.createDirectories(dir.resolve(c));
        for (String f : new String[] {"args.json", "expected.json", "expected.txt", "hyp.txt", "ref0.txt", "ref1.txt", "ref2.txt", "ref3.txt"}) {
            try (InputStream in = getClass().getResourceAsStream("/org/dmodel/metric/sacrebleu/" + c + "/" + f)) {
                if (in != null) {
                    Files.write(caseDir.resolve(f), in.readAllBytes());
                }
            }
        }
        return caseDir;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** Runs the command with stdin, stdout and stderr swapped for buffers. */
    static CommandRun run(String stdin, String... args) {
        return CommandRun.withInput(new ScoreCommand(), stdin == null ? "" : stdin, args);
    }
}
