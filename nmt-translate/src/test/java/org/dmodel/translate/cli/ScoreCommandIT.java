package org.dmodel.translate.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every sacreBLEU reference vector in this module's test resources ({@code sacrebleu/}, written by sacreBLEU
 * 2.6.0; its README.md gives the folder format) through the real {@code bin/nmt-score} launcher, run in the
 * case's folder as that README says: each metric's score within 0.005 of sacreBLEU's, the signature equal up
 * to its version field, BLEU's verbose part (precisions, BP, hyp_len, ref_len) equal, bootstrap means and
 * intervals within 0.005; at sentence level as many lines, each within 0.005; with several systems each
 * system's scores, p-values, means and intervals within 0.005 and the text output's signatures equal.
 */
class ScoreCommandIT {
    private static final double TOLERANCE = 0.005;
    private static final String SIGNATURES = "Metric signatures\n-----------------\n";

    @Test
    void everyVectorMatchesSacrebleu() throws IOException, URISyntaxException {
        Path vectors = Path.of(ScoreCommandIT.class.getResource("/sacrebleu").toURI());
        Path launcher = Path.of(System.getProperty("dmodel.repo.dir", ".."), "bin", "nmt-score").toAbsolutePath();
        List<Path> cases = new ArrayList<>();
        try (Stream<Path> s = Files.list(vectors)) {
            s.filter(p -> Files.exists(p.resolve("args.json"))).sorted().forEach(cases::add);
        }
        assertTrue(cases.size() >= 67, "expected at least 67 cases in " + vectors + ", found " + cases.size());
        assertAll(cases.stream().map(c -> () -> check(launcher, c)));
    }

    private static void check(Path launcher, Path caseDir) throws IOException, InterruptedException {
        JsonObject spec = JsonParser.parseString(Files.readString(caseDir.resolve("args.json"))).getAsJsonObject();
        List<String> args = new ArrayList<>();
        spec.getAsJsonArray("refs").forEach(r -> args.add(r.getAsString()));
        args.add("-i");
        if (spec.has("hyps")) {
            spec.getAsJsonArray("hyps").forEach(h -> args.add(h.getAsString()));
        } else {
            args.add("hyp.txt");
        }
        spec.getAsJsonArray("args").forEach(a -> args.add(a.getAsString()));
        String name = caseDir.getFileName().toString();
        String out = score(launcher, caseDir, args);
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
        if (spec.has("hyps")) {
            checkSystems(name, expected, got);
            args.addAll(List.of("--format", "text", "--no-color"));
            String text = score(launcher, caseDir, args);
            assertTrue(text.contains(SIGNATURES), name + ": no signatures in\n" + text);
            List<String> expectedSigs = Files.readString(caseDir.resolve("signatures.txt")).lines().toList();
            List<String> gotSigs = text.substring(text.indexOf(SIGNATURES) + SIGNATURES.length()).lines().toList();
            assertEquals(expectedSigs.stream().map(ScoreCommandIT::withoutVersion).toList(),
                    gotSigs.stream().map(ScoreCommandIT::withoutVersion).toList(), name + ": signatures");
            return;
        }
        assertEquals(expected.size(), got.size(), name + ": metrics");
        for (int m = 0; m < expected.size(); m++) {
            JsonObject e = expected.get(m);
            JsonObject g = got.get(m);
            String metric = name + " " + e.get("name").getAsString();
            assertEquals(e.get("name").getAsString(), g.get("name").getAsString());
            assertEquals(e.keySet(), g.keySet(), metric + ": JSON fields");
            assertEquals(e.get("score").getAsDouble(), g.get("score").getAsDouble(), TOLERANCE, metric);
            assertEquals(withoutVersion(e.get("signature").getAsString()), withoutVersion(g.get("signature").getAsString()));
            if (e.has("verbose_score")) {
                assertEquals(e.get("verbose_score").getAsString(), g.get("verbose_score").getAsString(), metric);
            }
            if (e.has("confidence_mean")) {
                assertEquals(e.get("confidence_mean").getAsDouble(), g.get("confidence_mean").getAsDouble(), TOLERANCE,
                        metric + " confidence_mean");
                assertEquals(e.get("confidence_var").getAsDouble(), g.get("confidence_var").getAsDouble(), TOLERANCE,
                        metric + " confidence_var");
            }
        }
    }

    /**
     * Several systems: one object per system with its name and, per metric, the score as a string or (paired
     * tests) an object of score, p_value, mean and ci, each a number or null.
     */
    private static void checkSystems(String name, List<JsonObject> expected, List<JsonObject> got) {
        assertEquals(expected.size(), got.size(), name + ": systems");
        for (int s = 0; s < expected.size(); s++) {
            JsonObject e = expected.get(s);
            JsonObject g = got.get(s);
            assertEquals(e.keySet(), g.keySet(), name + ": JSON fields");
            assertEquals(e.get("system").getAsString(), g.get("system").getAsString(), name);
            for (String metric : e.keySet()) {
                String where = name + " " + e.get("system").getAsString() + " " + metric;
                if (metric.equals("system")) {
                    continue;
                }
                if (e.get(metric).isJsonPrimitive()) {
                    assertEquals(e.get(metric).getAsDouble(), g.get(metric).getAsDouble(), TOLERANCE, where);
                    continue;
                }
                JsonObject er = e.getAsJsonObject(metric);
                JsonObject gr = g.getAsJsonObject(metric);
                assertEquals(er.keySet(), gr.keySet(), where + ": JSON fields");
                for (String field : er.keySet()) {
                    assertEquals(er.get(field).isJsonNull(), gr.get(field).isJsonNull(), where + " " + field + " null");
                    if (!er.get(field).isJsonNull()) {
                        assertEquals(er.get(field).getAsDouble(), gr.get(field).getAsDouble(), TOLERANCE, where + " " + field);
                    }
                }
            }
        }
    }

    /** stdout of {@code nmt-score ARGS} run in the case's folder; fails on a non-zero exit. */
    private static String score(Path launcher, Path caseDir, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(caseDir.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), caseDir + ": " + err);
        return out;
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
