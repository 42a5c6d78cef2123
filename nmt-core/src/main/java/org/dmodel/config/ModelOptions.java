package org.dmodel.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.config.ModelConfig.Activation;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.config.ModelConfig.Norm;
import org.dmodel.config.ModelConfig.Parameterization;
import org.dmodel.config.ModelConfig.Positions;

/**
 * The model-shape options shared by {@code nmt-train} and the model summary, each declared once, and their
 * resolution into a {@link ModelConfig} with the precedence built-in defaults &lt; {@code --preset} &lt;
 * {@code --config FILE} &lt; explicit flags. Options have no table default so that "given" is visible;
 * the help text states the built-in default. Stateless.
 */
public final class ModelOptions {
    private ModelOptions() {}

    /** Declares the model options in {@code table}. */
    public static void declare(OptionTable table) {
        table.value("config", null, "FILE", null, "model configuration JSON (keys as in config.json; may be partial)")
                .value("preset", null, "NAME", null, "model sizes: " + String.join(", ", Presets.NAMES)
                        + " (default: base sizes)")
                .value("arch", null, "ARCH", null, "lwc (one shared prefix-masked stack) or encdec (default: encdec)")
                .value("layers", null, "N", null, "layers (lwc: the shared stack; encdec: per side)")
                .value("d-model", null, "N", null, "model width d")
                .value("heads", null, "N", null, "attention heads h")
                .value("head-dim", null, "N", null, "head dimension d_h (default: d-model / heads)")
                .value("ffn-dim", null, "N", null, "feed-forward width")
                .value("attention", null, "SPECS", null, "one spec for all layers or ';'-separated specs, one per"
                        + " layer: mha, mqa, gqa:G, tpa:RQ/RK/RV, tpa-kv:RK/RV (default: mha)")
                .value("positions", null, "KIND", null, "sinusoidal, learned or rope (default: sinusoidal for"
                        + " encdec, rope for lwc and for --param ngpt/nugpt)")
                .value("max-positions", null, "N", null, "longest position (lwc: source + target) (default: 1024)")
                .value("norm", null, "WHERE", null, "pre or post layer normalization (default: pre; ignored by"
                        + " --param ngpt/nugpt, which have no LayerNorm)")
                .value("activation", null, "FN", null, "relu, gelu or swiglu (default: relu; swiglu for --param"
                        + " ngpt/nugpt)")
                .value("dropout", null, "P", null, "dropout on embeddings and sublayer outputs (default: 0.1)")
                .value("attention-dropout", null, "P", null, "dropout on attention weights (default: 0)")
                .value("untied-embeddings", null, "BOOL", null, "true: separate output projection (default: false;"
                        + " true for --param ngpt/nugpt)")
                .value("param", null, "KIND", null, "standard, ngpt (normalized Transformer) or nugpt (nGPT with"
                        + " width/depth transfer from --base-width/--base-depth) (default: standard)")
                .value("base-width", null, "N", null, "nugpt: d-model of the base model the settings were tuned on"
                        + " (default: 0 = this model's)")
                .value("base-depth", null, "N", null, "nugpt: layers of the base model (default: 0 = this model's)")
                .value("zero-init-output", null, "BOOL", null, "true: zero-initialize attention and FFN output"
                        + " projections (default: false)")
                .value("output-projection", null, "KIND", null, "attention output projection: standard or pg-op"
                        + " (per-token head gates, papers.md §4) (default: standard)");
    }

    /** Resolves the options for a joint vocabulary. */
    public static ModelConfig resolve(CommandLine cmd, OptionTable table, VocabInfo vocab) {
        return resolve(cmd, table, vocab, null);
    }

    /**
     * Resolves the options into a validated config.
     *
     * @param vocab the target (or joint) vocabulary, which overrides any {@code vocab} in a config file
     * @param sourceVocab a separate source vocabulary, or null for a joint one
     * @throws UsageException for a bad value, file or combination, with a message naming the option
     */
    public static ModelConfig resolve(CommandLine cmd, OptionTable table, VocabInfo vocab, VocabInfo sourceVocab) {
        ModelConfig.Builder b = ModelConfig.builder();
        try {
            String preset = table.get(cmd, "preset");
            if (preset != null) {
                Presets.apply(preset, b);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--preset: " + e.getMessage());
        }
        String config = table.get(cmd, "config");
        if (config != null) {
            Path file = Path.of(config);
            if (!Files.isRegularFile(file)) {
                throw new UsageException(file + ": config file not found. Give the path of a JSON model configuration.");
            }
            try {
                ConfigJson.readInto(b, file);
            } catch (IOException e) {
                throw new UsageException(file + ": cannot read (" + e.getMessage() + ")", e);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage(), e);
            }
        }
        b.vocab(vocab).sourceVocab(sourceVocab);
        if (sourceVocab != null) {
            b.tiedEmbeddings(false);
        }
        try {
            apply(cmd, table, b);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage() + (config != null ? " (after applying " + config + ")" : ""), e);
        }
    }

    private static void apply(CommandLine cmd, OptionTable t, ModelConfig.Builder b) {
        if (t.has(cmd, "param")) {
            b.parameterization(ModelConfig.parseEnum(Parameterization.class, "--param", t.get(cmd, "param")));
        }
        if (t.has(cmd, "base-width")) {
            b.baseWidth(t.getInt(cmd, "base-width", 0));
        }
        if (t.has(cmd, "base-depth")) {
            b.baseDepth(t.getInt(cmd, "base-depth", 0));
        }
        if (t.has(cmd, "arch")) {
            b.architecture(ModelConfig.parseEnum(Architecture.class, "--arch", t.get(cmd, "arch")));
        }
        if (t.has(cmd, "layers")) {
            b.layers(t.getInt(cmd, "layers", 1));
        }
        if (t.has(cmd, "d-model")) {
            b.dModel(t.getInt(cmd, "d-model", 1));
        }
        if (t.has(cmd, "heads")) {
            b.heads(t.getInt(cmd, "heads", 1));
        }
        if (t.has(cmd, "head-dim")) {
            b.headDim(t.getInt(cmd, "head-dim", 1));
        }
        if (t.has(cmd, "ffn-dim")) {
            b.ffnDim(t.getInt(cmd, "ffn-dim", 1));
        }
        if (t.has(cmd, "attention")) {
            b.attention(parseSpecs(t.get(cmd, "attention")));
        }
        if (t.has(cmd, "positions")) {
            b.positions(ModelConfig.parseEnum(Positions.class, "--positions", t.get(cmd, "positions")));
        }
        if (t.has(cmd, "max-positions")) {
            b.maxPositions(t.getInt(cmd, "max-positions", 1));
        }
        if (t.has(cmd, "norm")) {
            b.norm(ModelConfig.parseEnum(Norm.class, "--norm", t.get(cmd, "norm")));
        }
        if (t.has(cmd, "activation")) {
            b.activation(ModelConfig.parseEnum(Activation.class, "--activation", t.get(cmd, "activation")));
        }
        if (t.has(cmd, "output-projection")) {
            b.outputProjection(ModelConfig.parseEnum(ModelConfig.OutputProjection.class, "--output-projection",
                    t.get(cmd, "output-projection")));
        }
        if (t.has(cmd, "dropout")) {
            b.dropout(t.getDouble(cmd, "dropout", 0, 0.999));
        }
        if (t.has(cmd, "attention-dropout")) {
            b.attentionDropout(t.getDouble(cmd, "attention-dropout", 0, 0.999));
        }
        if (t.has(cmd, "untied-embeddings")) {
            b.tiedEmbeddings(!bool(t.get(cmd, "untied-embeddings"), "--untied-embeddings"));
        }
        if (t.has(cmd, "zero-init-output")) {
            b.zeroInitOutput(bool(t.get(cmd, "zero-init-output"), "--zero-init-output"));
        }
    }

    /**
     * Parses {@code --attention}: one spec, or {@code ;}-separated specs, one per layer.
     *
     * @throws IllegalArgumentException naming the position of a bad spec
     */
    public static List<AttentionSpec> parseSpecs(String text) {
        String[] parts = text.split(";", -1);
        List<AttentionSpec> specs = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            try {
                specs.add(AttentionSpec.parse(parts[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--attention" + (parts.length > 1 ? " (spec " + (i + 1) + ")" : "")
                        + ": " + e.getMessage(), e);
            }
        }
        return specs;
    }

    private static boolean bool(String v, String what) {
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(what + " " + v + ": expected true or false");
        };
    }
}
