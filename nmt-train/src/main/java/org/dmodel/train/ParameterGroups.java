package org.dmodel.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.dmodel.config.ModelConfig;
import org.dmodel.io.AtomicFiles;
import org.dmodel.model.ParameterGroup;

/**
 * Learning-rate multipliers per {@link ParameterGroup}, relative to the schedule's rate ({@code --lr} at its
 * peak). All 1 for standard and ngpt models; for nugpt νGPT's transfer rules (papers.md §3.2): global
 * η = --lr · m_data^(−1/3) with m_data = max-steps / base-steps, input embeddings η·m_width^(−1/2), hidden
 * matrices η·m_width^(−3/4), the output embedding η·m_width^(−3/4)·{@code --output-lr-mult}, scaling vectors η.
 * Stored in every checkpoint of a normalized model ({@value #FILE}) so that a resumed run keeps them. Immutable.
 *
 * @param multipliers the factor of every group
 */
public record ParameterGroups(Map<ParameterGroup, Double> multipliers) {
    /** The checkpoint file that holds the multipliers. */
    public static final String FILE = "lr-groups.json";

    public ParameterGroups {
        multipliers = Map.copyOf(multipliers);
        for (ParameterGroup g : ParameterGroup.values()) {
            Double m = multipliers.get(g);
            if (m == null || !(m > 0) || Double.isInfinite(m)) {
                throw new IllegalArgumentException("learning-rate multiplier of " + key(g) + ": " + m + " must be > 0");
            }
        }
    }

    /** The multipliers for training a model of {@code model} with {@code train}'s horizon and output factor. */
    public static ParameterGroups of(ModelConfig model, TrainConfig train) {
        Map<ParameterGroup, Double> m = new EnumMap<>(ParameterGroup.class);
        if (model.parameterization() != ModelConfig.Parameterization.NUGPT) {
            for (ParameterGroup g : ParameterGroup.values()) {
                m.put(g, 1.0);
            }
            return new ParameterGroups(m);
        }
        double data = train.baseSteps() > 0 ? (double) train.maxSteps() / train.baseSteps() : 1.0;
        double global = Math.pow(data, -1.0 / 3);
        double width = model.widthMultiplier();
        m.put(ParameterGroup.INPUT_EMBEDDINGS, global * Math.pow(width, -0.5));
        m.put(ParameterGroup.HIDDEN_MATRICES, global * Math.pow(width, -0.75));
        m.put(ParameterGroup.OUTPUT_EMBEDDINGS, global * Math.pow(width, -0.75) * train.outputLrMult());
        m.put(ParameterGroup.SCALING_VECTORS, global);
        return new ParameterGroups(m);
    }

    /** The multiplier of group {@code g}. */
    public double multiplier(ParameterGroup g) {
        return multipliers.get(g);
    }

    /** Per parameter name, its group's multiplier: the {@code lrScales} of {@link AdamW}. */
    public Map<String, Double> lrScales(Map<String, ParameterGroup> groups) {
        Map<String, Double> scales = new LinkedHashMap<>();
        groups.forEach((name, g) -> scales.put(name, multiplier(g)));
        return scales;
    }

    /** The lower-case JSON/log name of a group, e.g. {@code hidden_matrices}. */
    public static String key(ParameterGroup g) {
        return g.name().toLowerCase(Locale.ROOT);
    }

    /** Writes the multipliers as JSON into {@code file} atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, this::writeTo);
    }

    /** Writes the JSON of {@link #write} to a stream (a checkpoint lists it in its manifest). */
    public void writeTo(java.io.OutputStream out) throws IOException {
        JsonObject o = new JsonObject();
        for (ParameterGroup g : ParameterGroup.values()) {
            o.addProperty(key(g), multiplier(g));
        }
        out.write((o + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads multipliers written by {@link #write}.
     *
     * @throws IOException when the file is unreadable or does not hold one positive number per group
     */
    public static ParameterGroups read(Path file) throws IOException {
        try {
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            Map<ParameterGroup, Double> m = new EnumMap<>(ParameterGroup.class);
            for (ParameterGroup g : ParameterGroup.values()) {
                JsonElement v = e.getAsJsonObject().get(key(g));
                if (v == null) {
                    throw new IOException(file + ": no multiplier for " + key(g) + ". Restore the file or start a new"
                            + " --save-dir.");
                }
                m.put(g, v.getAsDouble());
            }
            return new ParameterGroups(m);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a learning-rate group file (" + e.getMessage() + "). Restore it or start"
                    + " a new --save-dir.", e);
        }
    }
}
