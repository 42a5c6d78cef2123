package org.dmodel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.ParseException;
import org.dmodel.cli.UsageException;
import org.dmodel.config.ModelConfig.Activation;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.config.ModelConfig.Parameterization;
import org.dmodel.config.ModelConfig.Positions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ngpt/nugpt parameterizations in configs: defaults, validation, JSON and command-line options. */
class NormalizedConfigTest {
    @TempDir
    Path dir;

    @Test
    void normalizedParameterizationsDefaultToRopeSwigluAndUntiedEmbeddings() {
        for (Architecture arch : Architecture.values()) {
            ModelConfig c = ModelConfig.builder().architecture(arch).parameterization(Parameterization.NGPT).build();
            assertEquals(Positions.ROPE, c.positions(), arch.toString());
            assertEquals(Activation.SWIGLU, c.activation());
            assertFalse(c.tiedEmbeddings());
            assertEquals(1.0, c.widthMultiplier());
            assertEquals(1.0, c.depthMultiplier());
        }
        ModelConfig standard = ModelConfig.builder().build();
        assertEquals(Positions.SINUSOIDAL, standard.positions());
        assertEquals(Activation.RELU, standard.activation());
        assertTrue(standard.tiedEmbeddings());
        ModelConfig nu = ModelConfig.builder().parameterization(Parameterization.NUGPT).baseWidth(128).baseDepth(2).build();
        assertEquals(4.0, nu.widthMultiplier(), "512 / 128");
        assertEquals(3.0, nu.depthMultiplier(), "6 / 2");
    }

    @Test
    void jsonRoundTripsAndWritesBaseSizesOnlyForNuGpt() {
        ModelConfig ngpt = ModelConfig.builder().architecture(Architecture.LWC).parameterization(Parameterization.NGPT)
                .attention(ModelOptions.parseSpecs("tpa:6/2/2;gqa:2;mha;mqa;mha;mha")).build();
        ModelConfig nugpt = ngpt.toBuilder().architecture(Architecture.ENCDEC).parameterization(Parameterization.NUGPT)
                .baseWidth(256).baseDepth(3).build();
        for (ModelConfig c : new ModelConfig[] {ngpt, nugpt}) {
            assertEquals(c, ConfigJson.parse(ConfigJson.toJson(c), "test"));
        }
        assertFalse(ConfigJson.toJson(ngpt).contains("baseWidth"));
        assertTrue(ConfigJson.toJson(nugpt).contains("\"baseWidth\": 256"), ConfigJson.toJson(nugpt));
        assertTrue(ConfigJson.toJson(nugpt).contains("\"parameterization\": \"nugpt\""));
        assertFalse(ConfigJson.toJson(ModelConfig.builder().build()).contains("baseDepth"), "standard files unchanged");
        // a partial file: the parameterization alone brings its defaults
        ModelConfig partial = ConfigJson.parse("{\"architecture\": \"encdec\", \"parameterization\": \"ngpt\"}", "f.json");
        assertEquals(Positions.ROPE, partial.positions());
    }

    @Test
    void incompatibleSettingsAreRejectedWithTheKeyAndTheFix() {
        java.util.function.Supplier<ModelConfig.Builder> ngpt =
                () -> ModelConfig.builder().parameterization(Parameterization.NGPT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ngpt.get().positions(Positions.SINUSOIDAL).build());
        assertTrue(e.getMessage().startsWith("positions: sinusoidal is not supported with parameterization ngpt"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("use rope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ngpt.get().positions(Positions.LEARNED).build());
        assertTrue(e.getMessage().startsWith("positions: learned"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ngpt.get().activation(Activation.RELU).build());
        assertTrue(e.getMessage().startsWith("activation: relu is not supported with parameterization ngpt"));
        e = assertThrows(IllegalArgumentException.class, () -> ngpt.get().tiedEmbeddings(true).build());
        assertTrue(e.getMessage().startsWith("tiedEmbeddings: true is not supported"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ngpt.get().zeroInitOutput(true).build());
        assertTrue(e.getMessage().startsWith("zeroInitOutput: true is not supported"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ngpt.get().baseWidth(64).build());
        assertEquals("baseWidth/baseDepth: 64/0 apply only to parameterization nugpt; remove them or use nugpt",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.builder().parameterization(Parameterization.NUGPT).baseDepth(-1).build());
        assertEquals("baseDepth: -1 must be 0 (the model's own size) or positive", e.getMessage());
    }

    @Test
    void commandLineOptionsSetTheParameterizationAndExplicitFlagsStillWin() throws Exception {
        ModelConfig c = ModelConfigTest.resolve("--param", "nugpt", "--preset", "small", "--base-width", "128",
                "--base-depth", "1");
        assertEquals(Parameterization.NUGPT, c.parameterization());
        assertEquals(2.0, c.widthMultiplier(), "256 / 128");
        assertEquals(3.0, c.depthMultiplier());
        assertEquals(Positions.ROPE, c.positions());
        assertEquals(Parameterization.NGPT, ModelConfigTest.resolve("--param", "NGPT").parameterization());

        UsageException e = assertThrows(UsageException.class, () -> ModelConfigTest.resolve("--param", "mup"));
        assertEquals("--param: 'mup' is not one of standard, ngpt, nugpt", e.getMessage());
        e = assertThrows(UsageException.class, () -> ModelConfigTest.resolve("--param", "ngpt", "--activation", "gelu"));
        assertTrue(e.getMessage().startsWith("activation: gelu is not supported with parameterization ngpt"),
                e.getMessage());
        e = assertThrows(UsageException.class, () -> ModelConfigTest.resolve("--base-width", "64"));
        assertTrue(e.getMessage().startsWith("baseWidth/baseDepth: 64/0 apply only to parameterization nugpt"));
        // a config file that sets sinusoidal positions, then --param ngpt: the error names the file
        Path f = dir.resolve("model.json");
        Files.writeString(f, "{\"positions\": \"sinusoidal\"}");
        e = assertThrows(UsageException.class, () -> ModelConfigTest.resolve("--config", f.toString(), "--param", "ngpt"));
        assertTrue(e.getMessage().endsWith("(after applying " + f + ")"), e.getMessage());
    }
}
