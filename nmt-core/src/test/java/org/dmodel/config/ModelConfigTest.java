package org.dmodel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config values, strict JSON, presets and command-line resolution. */
class ModelConfigTest {
    private static final VocabInfo VOCAB = new VocabInfo(8000, SpecialIds.DEFAULT);

    @TempDir
    Path dir;

    @Test
    void specTextRoundTrips() {
        for (String s : new String[] {"mha", "mqa", "gqa:2", "tpa:6/2/2", "tpa-kv:2/1"}) {
            assertEquals(s, AttentionSpec.parse(s).toString());
        }
        assertEquals(new AttentionSpec.Gqa(1), AttentionSpec.parse("gqa:1"));
        assertEquals(new AttentionSpec.Tpa(6, 2, 2), AttentionSpec.parse(" TPA:6/2/2 "));
    }

    @Test
    void badSpecTextSaysWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttentionSpec.parse("tpa:6/2"));
        assertEquals("attention spec 'tpa:6/2': expected mha, mqa, gqa:G, tpa:RQ/RK/RV or tpa-kv:RK/RV (e.g. tpa:6/2/2)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelOptions.parseSpecs("mha;gqa:x"));
        assertTrue(e.getMessage().startsWith("--attention (spec 2): attention spec 'gqa:x'"), e.getMessage());
    }

    @Test
    void validationNamesTheKeyTheValueAndTheRule() {
        ModelConfig.Builder b = Presets.of("base").attention(ModelOptions.parseSpecs("mha;mha;gqa:3;mha;mha;mha"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertEquals("attention[2]: gqa kvHeads=3 does not divide heads=8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Presets.of("base").attention(
                ModelOptions.parseSpecs("mha;mha")).build());
        assertEquals("attention: 2 specs for layers=6; give one spec for all layers or exactly one per layer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Presets.of("base").heads(7).build());
        assertTrue(e.getMessage().startsWith("heads: 7 does not divide dModel=512"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Presets.of("base")
                .sourceVocab(new VocabInfo(100, SpecialIds.DEFAULT)).build());
        assertTrue(e.getMessage().startsWith("tiedEmbeddings: true needs a joint vocabulary"), e.getMessage());
    }

    @Test
    void jsonRoundTrips() {
        List<ModelConfig> configs = List.of(
                Presets.of("tiny").build(),
                Presets.of("small").architecture(ModelConfig.Architecture.LWC)
                        .attention(ModelOptions.parseSpecs("tpa:6/2/2;tpa-kv:2/2;gqa:2")).build(),
                Presets.of("big").norm(ModelConfig.Norm.POST).activation(ModelConfig.Activation.SWIGLU)
                        .positions(ModelConfig.Positions.LEARNED).tiedEmbeddings(false).zeroInitOutput(true)
                        .sourceVocab(new VocabInfo(300, new SpecialIds(3, 2, 1, 0))).dropout(0.3).build(),
                Presets.of("base").heads(19).headDim(64).attention(new AttentionSpec.Tpa(6, 2, 2)).build());
        for (ModelConfig c : configs) {
            assertEquals(c, ConfigJson.parse(ConfigJson.toJson(c), "test"));
        }
    }

    @Test
    void defaultsAreDocumented() {
        ModelConfig encdec = ModelConfig.builder().build();
        assertEquals(ModelConfig.Positions.SINUSOIDAL, encdec.positions());
        assertEquals(ModelConfig.Norm.PRE, encdec.norm());
        assertEquals(ModelConfig.Activation.RELU, encdec.activation());
        assertTrue(encdec.tiedEmbeddings());
        assertEquals(0.1, encdec.dropout());
        assertEquals(0.0, encdec.attentionDropout());
        assertEquals(ModelConfig.Positions.ROPE, ModelConfig.builder().architecture(ModelConfig.Architecture.LWC).build()
                .positions());
    }

    @Test
    void unknownKeyFailsNamingKeyAndFile() throws IOException {
        Path f = dir.resolve("model.json");
        Files.writeString(f, "{\"layers\": 2, \"dmodel\": 64}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfigJson.read(f));
        assertTrue(e.getMessage().startsWith(f + ": unknown key 'dmodel'. Known keys: "), e.getMessage());
        Files.writeString(f, "{\"attention\": [{\"type\": \"gqa\", \"groups\": 2}]}");
        e = assertThrows(IllegalArgumentException.class, () -> ConfigJson.read(f));
        assertEquals(f + ": attention[0]: unknown key 'groups' for type gqa (known: kvHeads, type). Fix the file.",
                e.getMessage());
    }

    @Test
    void presetsHaveTheDocumentedSizes() {
        int[][] sizes = {{2, 32, 2, 64}, {3, 256, 4, 1024}, {6, 512, 4, 1024}, {6, 512, 8, 2048}, {6, 1024, 16, 4096}};
        for (int i = 0; i < sizes.length; i++) {
            ModelConfig c = Presets.of(Presets.NAMES.get(i)).build();
            assertEquals(List.of(sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3]),
                    List.of(c.layers(), c.dModel(), c.heads(), c.ffnDim()), Presets.NAMES.get(i));
            assertEquals(c.dModel() / c.heads(), c.headDim());
        }
    }

    /** The model options of {@code args} resolved as nmt-train does, with the bundled vocabulary's size. */
    static ModelConfig resolve(String... args) throws ParseException {
        OptionTable table = new OptionTable();
        ModelOptions.declare(table);
        CommandLine cmd = DefaultParser.builder().get().parse(table.options(), args);
        return ModelOptions.resolve(cmd, table, VOCAB);
    }

    @Test
    void flagsOverrideConfigFileWhichOverridesPreset() throws Exception {
        Path f = dir.resolve("model.json");
        Files.writeString(f, "{\"layers\": 4, \"heads\": 8, \"architecture\": \"lwc\"}");
        ModelConfig c = resolve("--preset", "small", "--config", f.toString(), "--heads", "2",
                "--attention", "tpa:6/2/2;tpa:6/2/2;gqa:2;mha");
        assertEquals(ModelConfig.Architecture.LWC, c.architecture());
        assertEquals(256, c.dModel());   // preset
        assertEquals(4, c.layers());     // file over preset
        assertEquals(2, c.heads());      // flag over file
        assertEquals("[tpa:6/2/2, tpa:6/2/2, gqa:2, mha]", c.attention().toString());
        assertEquals(VOCAB, c.vocab());
    }

    @Test
    void badOptionsAreUsageErrors() {
        UsageException e = assertThrows(UsageException.class, () -> resolve("--preset", "huge"));
        assertTrue(e.getMessage().startsWith("--preset: preset 'huge' is not one of tiny"), e.getMessage());
        e = assertThrows(UsageException.class, () -> resolve("--preset", "base", "--attention", "gqa:3"));
        assertEquals("attention[0]: gqa kvHeads=3 does not divide heads=8", e.getMessage());
        e = assertThrows(UsageException.class, () -> resolve("--arch", "rnn"));
        assertEquals("--arch: 'rnn' is not one of lwc, encdec", e.getMessage());
    }
}
