package org.dmodel.translate;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.nio.file.Path;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelOptions;
import org.dmodel.config.Presets;
import org.dmodel.config.VocabInfo;
import org.dmodel.io.ModelDirectory;
import org.dmodel.model.Models;
import org.dmodel.text.Vocabularies;

/** Small randomly initialized model directories (seeded, so their outputs are reproducible). */
public final class TestModels {
    static final Path SPM = Path.of(System.getProperty("dmodel.repo.dir", ".."), "data", "tatoeba-eng-deu", "spm.model");

    private TestModels() {}

    /** Saves a randomly initialized model (architecture, attention) and returns its directory. */
    public static Path random(Path dir, String arch, String attention) throws IOException {
        try (Vocabularies vocab = Vocabularies.joint(SPM)) {
            ModelConfig config = Presets.of("tiny")
                    .architecture(ModelConfig.parseEnum(ModelConfig.Architecture.class, "--arch", arch))
                    .attention(ModelOptions.parseSpecs(attention))
                    .vocab(VocabInfo.of(vocab.target()))
                    .build();
            Engine.getInstance().setRandomSeed(11);
            try (Model model = Models.newModel(config, Device.cpu())) {
                ModelDirectory.save(dir, config, model, vocab);
            }
        }
        return dir;
    }

}
