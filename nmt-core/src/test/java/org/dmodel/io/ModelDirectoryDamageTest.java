package org.dmodel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.Presets;
import org.dmodel.config.VocabInfo;
import org.dmodel.model.Models;
import org.dmodel.testing.TestModels;
import org.dmodel.text.Vocabularies;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Damaged model directories are refused before anything is read, each with a message that names the file and
 * says what to do (style.md §9): altered files, missing files, manifest entries that point outside the directory,
 * bad JSON. Extra files (a checkpoint's trainer state and optimizer moments) are checked like the model's own.
 */
class ModelDirectoryDamageTest {
    private static final String REMEDY = "Re-copy the model directory or retrain.";

    @TempDir
    static Path saved;
    static Path pristine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void saveOnce() throws IOException {
        String repo = System.getProperty("dmodel.repo.dir");
        Path spm = repo == null ? null : Path.of(repo, "data", "tatoeba-eng-deu", "spm.model");
        Assumptions.assumeTrue(spm != null && Files.isRegularFile(spm),
                "skipped: the bundled data/tatoeba-eng-deu/spm.model is not available (dmodel.repo.dir unset)");
        pristine = saved.resolve("model");
        try (Vocabularies v = Vocabularies.joint(spm)) {
            ModelConfig c = Presets.of("tiny").vocab(VocabInfo.of(v.target())).build();
            TestModels.seed(3);
            Map<String, AtomicFiles.Writer> extra = new LinkedHashMap<>();
            extra.put("trainer-state.json", out -> out.write("{\"step\": 7}\n".getBytes(StandardCharsets.UTF_8)));
            extra.put("optimizer.bin", out -> out.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
            try (Model model = Models.newModel(c, Device.cpu())) {
                ModelDirectory.save(pristine, c, model, v, extra);
            }
        }
    }

    /** A fresh copy of the saved model to damage. */
    private Path copy() throws IOException {
        Path dir = tmp.resolve("model");
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(pristine)) {
            for (Path f : s.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    private static IOException refused(Path dir) {
        return assertThrows(IOException.class, () -> {
            try (LoadedModel m = ModelDirectory.load(dir, Device.cpu())) {
                m.config();
            }
        }, dir + " was loaded although it is damaged");
    }

    private static void flipOneByte(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[b.length / 2] ^= 1;
        Files.write(file, b);
    }

    private static JsonObject manifest(Path dir) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve(ModelDirectory.MANIFEST))).getAsJsonObject();
    }

    private static void writeManifest(Path dir, JsonObject manifest) throws IOException {
        Files.writeString(dir.resolve(ModelDirectory.MANIFEST), new Gson().toJson(manifest));
    }

    /** A manifest entry with the right size and checksum of {@code file}. */
    private static JsonObject entryFor(Path file) throws IOException {
        JsonObject e = new JsonObject();
        e.addProperty("sha256", ModelDirectory.sha256(file));
        e.addProperty("size", Files.size(file));
        return e;
    }

    @Test
    void theUndamagedCopyLoadsAndListsTheExtraFiles() throws IOException {
        Path dir = copy();
        try (LoadedModel m = ModelDirectory.load(dir, Device.cpu())) {
            assertTrue(m.block().getParameters().size() > 0);
        }
        assertTrue(ModelDirectory.lists(dir, "optimizer.bin"));
        assertTrue(ModelDirectory.lists(dir, "trainer-state.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"config.json", "spm.model", "parameters.bin", "optimizer.bin", "trainer-state.json"})
    void anAlteredFileIsRefusedByName(String name) throws IOException {
        Path dir = copy();
        flipOneByte(dir.resolve(name));
        assertEquals(dir.resolve(name) + ": checksum mismatch (file altered or truncated). " + REMEDY,
                refused(dir).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"config.json", "spm.model", "parameters.bin", "optimizer.bin", "trainer-state.json"})
    void aListedFileThatIsMissingIsRefusedByName(String name) throws IOException {
        Path dir = copy();
        Files.delete(dir.resolve(name));
        assertEquals(dir.resolve(name) + ": missing (listed in manifest.json). " + REMEDY, refused(dir).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.bin", "ABSOLUTE", "./config.json", "sub/../../outside.bin"})
    void aManifestEntryThatPointsOutsideTheDirectoryIsRefused(String entry) throws IOException {
        Path dir = copy();
        // the outside file exists and the entry has its true checksum: only the path check can refuse it
        Path outside = Files.write(tmp.resolve("outside.bin"), new byte[] {9, 9, 9});
        String name = entry.equals("ABSOLUTE") ? outside.toAbsolutePath().toString() : entry;
        JsonObject m = manifest(dir);
        m.getAsJsonObject("files").add(name, entryFor(entry.equals("./config.json") ? dir.resolve("config.json")
                : outside));
        writeManifest(dir, m);
        assertEquals(dir.resolve(ModelDirectory.MANIFEST) + ": entry \"" + name + "\" is not a file name inside " + dir
                + " (path traversal; the manifest was altered). " + REMEDY, refused(dir).getMessage());
    }

    @Test
    void aManifestThatIsNotJsonIsRefused() throws IOException {
        Path dir = copy();
        String text = Files.readString(dir.resolve(ModelDirectory.MANIFEST));
        Files.writeString(dir.resolve(ModelDirectory.MANIFEST), text.substring(0, text.length() / 2));
        assertEquals(dir.resolve(ModelDirectory.MANIFEST) + ": not valid JSON (file altered or truncated). " + REMEDY,
                refused(dir).getMessage());
    }

    @Test
    void aManifestOfTheWrongShapeIsRefusedNotCrashedOn() throws IOException {
        Path dir = copy();
        JsonObject m = manifest(dir);
        m.add("files", JsonParser.parseString("[1, 2]"));
        writeManifest(dir, m);
        assertEquals(dir.resolve(ModelDirectory.MANIFEST) + ": no \"files\" object (file altered). " + REMEDY,
                refused(dir).getMessage());

        m = manifest(copyAgain(dir));
        m.getAsJsonObject("files").getAsJsonObject("config.json").remove("sha256");
        writeManifest(dir, m);
        assertEquals(dir.resolve(ModelDirectory.MANIFEST) + ": entry \"config.json\" has no size and sha256 (file"
                + " altered). " + REMEDY, refused(dir).getMessage());

        m = manifest(copyAgain(dir));
        m.getAsJsonObject("files").remove("spm.model");
        writeManifest(dir, m);
        assertTrue(refused(dir).getMessage().startsWith(dir.resolve(ModelDirectory.MANIFEST) + ": must list config.json,"
                + " parameters.bin and spm.model"));

        m = manifest(copyAgain(dir));
        m.addProperty("format", "one");
        writeManifest(dir, m);
        assertEquals(dir.resolve(ModelDirectory.MANIFEST) + ": format \"one\" is not supported (this build reads format"
                + " 1). Use the dmodel version that wrote the model.", refused(dir).getMessage());
    }

    /** Restores the pristine manifest into {@code dir}; returns {@code dir}. */
    private Path copyAgain(Path dir) throws IOException {
        Files.copy(pristine.resolve(ModelDirectory.MANIFEST), dir.resolve(ModelDirectory.MANIFEST),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    @Test
    void aConfigWithBadJsonBehindAConsistentManifestIsRefusedByName() throws IOException {
        Path dir = copy();
        Path config = dir.resolve(ModelDirectory.CONFIG);
        Files.writeString(config, "{\"format\": 1, \"architecture\": ");
        JsonObject m = manifest(dir);
        m.getAsJsonObject("files").add(ModelDirectory.CONFIG, entryFor(config));
        writeManifest(dir, m);
        String message = refused(dir).getMessage();
        assertTrue(message.startsWith(config.toString() + ": "), message);
        for (String word : List.of("not valid JSON", "Fix the file")) {
            assertTrue(message.contains(word), message);
        }
    }
}
