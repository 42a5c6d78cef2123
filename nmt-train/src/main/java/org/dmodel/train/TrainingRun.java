package org.dmodel.train;

import ai.djl.Device;
import ai.djl.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dmodel.config.ModelConfig;
import org.dmodel.io.AtomicFiles;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.model.Models;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Vocabularies;

/**
 * The model being trained with what each checkpoint stores besides the trainer state: its config and
 * vocabularies. Opening a save directory that holds {@code checkpoint_last} continues from its parameters;
 * otherwise the model starts from a fresh initialization. Owns the DJL model; not thread-safe.
 */
public final class TrainingRun implements AutoCloseable {
    private final ModelConfig config;
    private final Model model;
    private final Vocabularies vocabularies;
    private final Path resumedFrom;
    private final LoadedModel loaded;

    private TrainingRun(ModelConfig config, Model model, Vocabularies vocabularies, Path resumedFrom,
            LoadedModel loaded) {
        this.config = config;
        this.model = model;
        this.vocabularies = vocabularies;
        this.resumedFrom = resumedFrom;
        this.loaded = loaded;
    }

    /**
     * Opens the run in {@code saveDir}: resumes from {@code checkpoint_last} when present (after repairing a
     * checkpoint write that a crash interrupted), else initializes {@code config} afresh (seed the engine
     * first for reproducible weights).
     */
    public static TrainingRun open(Path saveDir, ModelConfig config, Vocabularies vocabularies, Device device)
            throws IOException {
        new Checkpoints(saveDir, 0).recover();
        Path last = saveDir.resolve(Checkpoints.LAST);
        if (Files.isDirectory(last)) {
            LoadedModel loaded = ModelDirectory.loadForTraining(last, device, TrainingLoop.RESUME_REMEDY);
            return new TrainingRun(loaded.config(), loaded.model(), vocabularies, last, loaded);
        }
        return new TrainingRun(config, Models.newModel(config, device), vocabularies, null, null);
    }

    /** The checkpoint this run continues from, or null for a fresh start. */
    public Path resumedFrom() {
        return resumedFrom;
    }

    /** The DJL model holding the block. */
    public Model model() {
        return model;
    }

    /** The translation block. */
    public Seq2SeqModel block() {
        return Models.block(model);
    }

    /** The model's configuration. */
    public ModelConfig config() {
        return config;
    }

    /** The target vocabulary's special ids (padding, BOS, EOS used by batches and loss). */
    public SpecialIds specialIds() {
        return vocabularies.target().specialIds();
    }

    /** Writes the model directory (config, parameters, SentencePiece models, manifest) into {@code dir}. */
    public void writeModel(Path dir) throws IOException {
        ModelDirectory.save(dir, config, model, vocabularies);
    }

    /** {@link #writeModel(Path)} plus {@code extraFiles} (name → writer), listed with checksums in the manifest. */
    public void writeModel(Path dir, Map<String, AtomicFiles.Writer> extraFiles) throws IOException {
        ModelDirectory.save(dir, config, model, vocabularies, extraFiles);
    }

    @Override
    public void close() {
        if (loaded != null) {
            loaded.close();
        } else {
            model.close();
        }
    }
}
