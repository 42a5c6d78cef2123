package org.dmodel.translate.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every sacreBLEU reference vector in {@code ../shared/testdata/sacrebleu/} through the real
 * {@code bin/nmt-score} launcher, run in the case's folder as the vectors' README says: each metric's score
 * within 0.005 of sacreBLEU's, the signature equal up to its version field, BLEU's verbose part (precisions,
 * BP, hyp_len, ref_len) equal; at sentence level as many lines, each within 0.005. Skipped with a message
 * when the shared data is absent (a few of the vectors are also in nmt-core's test resources).
 */
class ScoreCommandIT {
    private static final double TOLERANCE = 0.005;

    @Test
    void everySharedVectorMatchesSacrebleu() throws IOException {
        Path vectors = Path.of(System.getProperty("dmodel.shared.dir", "../shared"), "testdata", "sacrebleu");
        Assumptions.assumeTrue(Files.isDirectory(vectors), "no sacreBLEU vectors at " + vectors + "; skipping");
        Path launcher = Path.of(System.getProperty("dmodel.repo.dir", ".."), "bin", "nmt-score").toAbsolutePath();
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> s = Files.list(vectors)) {
            s.filter(p -> Files.exists(p.resolve("args.json"))).sorted().forEach(cases::add);
        }
        assertTrue(cases.size() >= 1, "no cases in " + vectors);
        assertAll(cases.stream().map(c -> () -> check(launcher, c)));
    }

    private static void check(Path launcher, Path caseDir) throws IOException, InterruptedException {
        JsonObject spec = JsonParser.parseString(Files.readString(caseDir.resolve("args.json"))).getAsJsonObject();
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        spec.getAsJsonArray("refs").forEach(r -> cmd.add(r.getAsString()));
        cmd.add("-i");
        cmd.add("hyp.txt");
        spec.getAsJsonArray("args").forEach(a -> cmd.add(a.getAsString()));
        Process p = new ProcessBuilder(cmd).directory(caseDir.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), caseDir + ": " + err);
        String name = caseDir.getFileName().toString();
        if (spec.get("sentence_level").getAsBoolean()) {
            List<String> expected = Files.readAllLines(caseDir.resolve("expected.txt"));
            List<String> got = out.lines().toList();
            assertEquals(expected.size(), got.size(), name + ": sentence count");
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(sentenceScore(expected.get(i)), sentenceScore(got.get(i)), TOLERANCE, name + " line " + (i + 1));
                assertEquals(withoutVersion(expected.get(i).split(" = ")[0]), withoutVersion(got.get(i).split(" = ")[0]));
            }
            return;
        }
        List<JsonObject> expected = objects(JsonParser.parseString(Files.readString(caseDir.resolve("expected.json"))));
        List<JsonObject> got = objects(JsonParser.parseString(out));
        assertEquals(expected.size(), got.size(), name + ": metrics");
        for (int m = 0; m < expected.size(); m++) {
            JsonObject e = expected.get(m);
            JsonObject g = got.get(m);
            assertEquals(e.get("name").getAsString(), g.get("name").getAsString());
            assertEquals(e.get("score").getAsDouble(), g.get("score").getAsDouble(), TOLERANCE, name + " " + e.get("name").getAsString());
            assertEquals(withoutVersion(e.get("signature").getAsString()), withoutVersion(g.get("signature").getAsString()));
            if (e.has("verbose_score")) {
                assertEquals(e.get("verbose_score").getAsString(), g.get("verbose_score").getAsString());
            }
            assertEquals(e.keySet(), g.keySet(), "JSON fields");
        }
    }

    private static List<JsonObject> objects(JsonElement json) {
        List<JsonObject> list = new ArrayList<>();
        if (json.isJsonArray()) {
            ((JsonArray) json).forEach(x -> list.add(x.getAsJsonObject()));
        } else {
            list.add(json.getAsJsonObject());
        }
        return list;
    }

    private static double sentenceScore(String line) {
        return Double.parseDouble(line.split(" = ")[1].split(" ")[0]);
    }

    private static String withoutVersion(String signature) {
        return signature.replaceAll("\\|version:[^| ]*", "");
    }
}
