package org.dmodel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.dmodel.config.AttentionSpec;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.Presets;
import org.dmodel.config.VocabInfo;
import org.dmodel.model.Models;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.dmodel.text.Vocabularies;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save/load of model directories: identical outputs after a round trip, atomic replace, tampering refused. */
class ModelDirectoryTest {
    @TempDir
    Path tmp;
    private Path spm;

    @BeforeEach
    void findSentencePieceModel() {
        String repo = System.getProperty("dmodel.repo.dir");
        spm = repo == null ? null : Path.of(repo, "data", "tatoeba-eng-deu", "spm.model");
        Assumptions.assumeTrue(spm != null && Files.isRegularFile(spm),
                "skipped: the bundled data/tatoeba-eng-deu/spm.model is not available (dmodel.repo.dir unset)");
    }

    private static NDArray logits(Seq2SeqModel block, NDManager m) {
        Random random = new Random(9);
        int[][] src = TestModels.sources(random, 4, 6);
        int[][] tgt = TestModels.targets(random, 2, 5);
        NDArray s = m.create(TestModels.padded(src, 6), new Shape(2, 6));
        NDArray t = m.create(TestModels.padded(tgt, 5), new Shape(2, 5));
        return block.logits(new ParameterStore(m, false), s, t, false);
    }

    private Path saveTiny(Path dir, Vocabularies v, ModelConfig.Architecture arch, NDManager m, NDArray[] out)
            throws IOException {
        ModelConfig c = Presets.of("tiny").architecture(arch).vocab(VocabInfo.of(v.target()))
                .attention(java.util.List.of(new AttentionSpec.Tpa(2, 1, 1), new AttentionSpec.Gqa(1))).build();
        TestModels.seed(3);
        try (Model model = Models.newModel(c, Device.cpu())) {
            ModelDirectory.save(dir, c, model, v);
            out[0] = logits(Models.block(model), m);
        }
        return dir;
    }

    @Test
    void savedModelLoadsBackWithIdenticalOutputs() throws IOException {
        try (Vocabularies v = Vocabularies.joint(spm); NDManager m = NDManager.newBaseManager()) {
            for (ModelConfig.Architecture arch : ModelConfig.Architecture.values()) {
                NDArray[] before = new NDArray[1];
                Path dir = saveTiny(tmp.resolve("model-" + arch), v, arch, m, before);
                for (String f : new String[] {"config.json", "parameters.bin", "spm.model", "manifest.json"}) {
                    assertTrue(Files.isRegularFile(dir.resolve(f)), f);
                }
                try (LoadedModel loaded = ModelDirectory.load(dir, Device.cpu())) {
                    assertEquals(arch, loaded.config().architecture());
                    NdAssert.assertClose(before[0], logits(loaded.block(), m), 0.0, "logits after save/load");
                }
            }
        }
    }

    @Test
    void parametersRequireGradientsOnlyWhenLoadedForTraining() throws IOException {
        try (Vocabularies v = Vocabularies.joint(spm); NDManager m = NDManager.newBaseManager()) {
            Path dir = saveTiny(tmp.resolve("model"), v, ModelConfig.Architecture.LWC, m, new NDArray[1]);
            try (LoadedModel inference = ModelDirectory.load(dir, Device.cpu());
                    LoadedModel training = ModelDirectory.loadForTraining(dir, Device.cpu())) {
                int parameters = 0;
                for (var p : inference.block().getParameters()) {
                    assertFalse(p.getValue().getArray().hasGradient(), "for inference: " + p.getKey());
                    parameters++;
                }
                for (var p : training.block().getParameters()) {
                    assertTrue(p.getValue().getArray().hasGradient(), "for training: " + p.getKey());
                }
                assertTrue(parameters > 10);
            }
        }
    }

    @Test
    void savingOverAnExistingDirectoryReplacesItAndLeavesNoTemporaries() throws IOException {
        try (Vocabularies v = Vocabularies.joint(spm); NDManager m = NDManager.newBaseManager()) {
            Path dir = tmp.resolve("model");
            saveTiny(dir, v, ModelConfig.Architecture.LWC, m, new NDArray[1]);
            Files.writeString(dir.resolve("stale.txt"), "from an older save");
            saveTiny(dir, v, ModelConfig.Architecture.ENCDEC, m, new NDArray[1]);
            assertTrue(Files.notExists(dir.resolve("stale.txt")));
            try (var listing = Files.list(tmp)) {
                assertEquals(java.util.List.of(dir), listing.toList(), "only the final directory remains");
            }
            ModelDirectory.verify(dir);
        }
    }

    @Test
    void alteredOrTruncatedParametersAreRefusedNamingTheFile() throws IOException {
        try (Vocabularies v = Vocabularies.joint(spm); NDManager m = NDManager.newBaseManager()) {
            Path dir = saveTiny(tmp.resolve("model"), v, ModelConfig.Architecture.LWC, m, new NDArray[1]);
            Path params = dir.resolve("parameters.bin");
            byte[] original = Files.readAllBytes(params);

            byte[] altered = original.clone();
            altered[altered.length / 2] ^= 1;
            Files.write(params, altered);
            IOException e = assertThrows(IOException.class, () -> ModelDirectory.load(dir, Device.cpu()));
            assertEquals(params + ": checksum mismatch (file altered or truncated). Re-copy the model directory or"
                    + " retrain.", e.getMessage());

            Files.write(params, java.util.Arrays.copyOf(original, original.length - 100));
            e = assertThrows(IOException.class, () -> ModelDirectory.load(dir, Device.cpu()));
            assertTrue(e.getMessage().startsWith(params + ": checksum mismatch"), e.getMessage());

            Files.write(params, original);
            Files.delete(dir.resolve("manifest.json"));
            e = assertThrows(IOException.class, () -> ModelDirectory.load(dir, Device.cpu()));
            assertTrue(e.getMessage().contains("no manifest.json"), e.getMessage());
        }
    }
}
