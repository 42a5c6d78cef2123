package org.dmodel.translate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.dmodel.diagnostics.CollapseReport;
import org.dmodel.translate.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.dmodel.testing.CommandRun;
import org.junit.jupiter.api.io.TempDir;

/** {@code nmt-diagnose} on tiny random models: every metric for every layer and side, the three files, errors. */
class DiagnoseCommandTest {
    @TempDir
    static Path models;
    static Path lwc;
    static Path encdec;

    @TempDir
    Path dir;

    @BeforeAll
    static void save() throws IOException {
        lwc = TestModels.random(models.resolve("lwc"), "lwc", "gqa:1");
        encdec = TestModels.random(models.resolve("encdec"), "encdec", "mha");
    }

    static CommandRun diagnose(String... args) {
        return CommandRun.of(new DiagnoseCommand(), args);
    }

    private Path write(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, List.of(lines), StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void lwcWithReferenceReportsEveryMetricOfEveryLayerOnEachSide() throws IOException {
        Path in = write("in.en", "Hello, Tom.", "", "I like green apples very much.", "Where is the station?");
        Path ref = write("ref.de", "Hallo, Tom.", "", "Ich mag grüne Äpfel sehr.", "Wo ist der Bahnhof?");
        Path prefix = dir.resolve("diag");
        CommandRun r = diagnose("-m", lwc.toString(), "-i", in.toString(), "-r", ref.toString(), "-o", prefix.toString(),
                "--threads", "1", "--batch-size", "2");
        assertEquals(0, r.status(), r.err());
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("diag.json"))).getAsJsonObject();
        assertEquals(3, json.get("sentences").getAsInt(), "the empty line is skipped");
        assertEquals(ref.toString(), json.get("target").getAsString());
        checkEveryMetric(json, List.of("joint", "source", "target"));
        String table = Files.readString(dir.resolve("diag.txt"));
        assertTrue(table.contains("affineRank") && table.contains("entropyMean"), table);
        assertEquals(table, r.out(), "the table also goes to stdout");
        assertTrue(ImageIO.read(dir.resolve("diag.png").toFile()).getWidth() > 0, "a readable PNG");
        try (var s = Files.list(dir)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp")), "no temporary left behind");
        }
    }

    @Test
    void encdecWithoutReferenceUsesTheGreedyTranslation() throws IOException {
        Path in = write("in.en", "Good morning.", "The cat sleeps on the sofa.");
        Path prefix = dir.resolve("e");
        CommandRun r = diagnose("-m", encdec.toString(), "-i", in.toString(), "-o", prefix.toString(), "--max-sentences", "1");
        assertEquals(0, r.status(), r.err());
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("e.json"))).getAsJsonObject();
        assertEquals("greedy", json.get("target").getAsString());
        assertEquals(1, json.get("sentences").getAsInt());
        checkEveryMetric(json, List.of("source", "target"));
        JsonObject decoderLayer = json.getAsJsonArray("sides").get(1).getAsJsonObject().getAsJsonArray("layers").get(1)
                .getAsJsonObject().getAsJsonObject("attention");
        assertEquals(List.of("selfAttention", "crossAttention"), List.copyOf(decoderLayer.keySet()));
        assertTrue(Files.isRegularFile(dir.resolve("e.png")) && Files.isRegularFile(dir.resolve("e.txt")));
    }

    @Test
    void aShortReferenceIsReportedWithItsLine() throws IOException {
        Path in = write("in.en", "One.", "Two.");
        Path ref = write("ref.de", "Eins.");
        CommandRun r = diagnose("-m", lwc.toString(), "-i", in.toString(), "-r", ref.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains(ref + ":2: missing"), r.err());
    }

    /** Layers 1..L carry every state metric and every attention metric of every module; layer 0 the rank metrics. */
    private static void checkEveryMetric(JsonObject json, List<String> sides) {
        JsonArray array = json.getAsJsonArray("sides");
        assertEquals(sides.size(), array.size());
        for (int s = 0; s < sides.size(); s++) {
            JsonObject side = array.get(s).getAsJsonObject();
            assertEquals(sides.get(s), side.get("side").getAsString());
            JsonArray layers = side.getAsJsonArray("layers");
            assertEquals(3, layers.size(), "embeddings + 2 layers (tiny preset)");
            for (JsonElement e : layers) {
                JsonObject layer = e.getAsJsonObject();
                int l = layer.get("layer").getAsInt();
                for (String m : CollapseReport.STATE_METRICS) {
                    if (l > 0 || !m.startsWith("spanEscape")) {
                        assertTrue(layer.has(m) && layer.get(m).isJsonPrimitive(), sides.get(s) + " layer " + l + " " + m);
                    }
                }
                JsonObject attention = layer.getAsJsonObject("attention");
                assertEquals(l > 0, !attention.isEmpty(), "attention statistics on layers 1..L");
                for (String module : attention.keySet()) {
                    JsonObject a = attention.getAsJsonObject(module);
                    for (String m : CollapseReport.ATTENTION_METRICS) {
                        assertTrue(a.has(m) && a.get(m).isJsonPrimitive(), sides.get(s) + " layer " + l + " " + module + " " + m);
                    }
                    double mean = a.get("entropyMean").getAsDouble();
                    assertTrue(mean > 0 && mean <= 1 + 1e-6, "normalized entropy in (0, 1]: " + mean);
                    assertEquals(2, a.getAsJsonArray("entropyMeanPerHead").size(), "tiny preset: 2 heads");
                }
            }
        }
    }
}
