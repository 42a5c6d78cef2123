package org.dmodel.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.Engines;

/** Builds translation models from configs (style.md §4: config → blocks). Stateless and thread-safe. */
public final class Models {
    /** Input shapes a model is initialized with; parameters have explicit shapes, so any (B, n) works. */
    private static final Shape[] INPUT_SHAPES = {new Shape(1, 1), new Shape(1, 1)};

    private Models() {}

    /** A new, uninitialized block for {@code config}; initialize it with {@link #initialize}. */
    public static Seq2SeqModel create(ModelConfig config) {
        return switch (config.architecture()) {
            case LWC -> new LayerwiseCoordinatedModel(config);
            case ENCDEC -> new EncoderDecoderModel(config);
        };
    }

    /**
     * A DJL model on {@code device} holding a freshly initialized block for {@code config} (random weights as
     * papers.md says; seed them with {@code Engine.getInstance().setRandomSeed}); a normalized (ngpt/nugpt) model's
     * weight vectors are then renormalized to unit norm. The caller closes the model, which frees the parameters.
     */
    public static Model newModel(ModelConfig config, Device device) {
        Model model = Model.newInstance("dmodel", device, Engines.pytorch().getEngineName());
        try {
            Seq2SeqModel block = create(config);
            model.setBlock(block);
            initialize(block, model);
            block.renormalize();
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Initializes {@code block}'s parameters (or, after loading them, its constant tables) in the model's manager. */
    public static void initialize(Seq2SeqModel block, Model model) {
        block.initialize(model.getNDManager(), DataType.FLOAT32, INPUT_SHAPES);
    }

    /** The translation block of a DJL model built by {@link #newModel} or loaded by {@code ModelDirectory}. */
    public static Seq2SeqModel block(Model model) {
        if (!(model.getBlock() instanceof Seq2SeqModel block)) {
            throw new IllegalArgumentException("model " + model.getName() + " does not hold a dmodel translation block");
        }
        return block;
    }
}
