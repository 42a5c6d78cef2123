package org.dmodel.config;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.dmodel.config.ModelConfig.Activation;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.config.ModelConfig.Norm;
import org.dmodel.config.ModelConfig.OutputProjection;
import org.dmodel.config.ModelConfig.Parameterization;
import org.dmodel.config.ModelConfig.Positions;
import org.dmodel.text.SpecialIds;

/**
 * Strict JSON for {@link ModelConfig}: every key is known (an unknown key fails naming the key and the
 * file), every value is checked, and writing then reading gives an equal config. A file may hold only some
 * keys when it is applied over a builder ({@code --config FILE}); {@code config.json} in a model directory
 * holds all of them. Stateless and thread-safe.
 */
public final class ConfigJson {
    private static final Set<String> KEYS = Set.of("format", "architecture", "layers", "dModel", "heads", "headDim",
            "ffnDim", "norm", "activation", "positions", "maxPositions", "tiedEmbeddings", "dropout",
            "attentionDropout", "zeroInitOutput", "parameterization", "baseWidth", "baseDepth", "outputProjection",
            "vocab", "sourceVocab", "attention");
    private static final Set<String> VOCAB_KEYS = Set.of("size", "pad", "unk", "bos", "eos");

    private ConfigJson() {}

    /** The config as pretty-printed JSON (one attention object when all layers share a spec). */
    public static String toJson(ModelConfig c) {
        JsonObject o = new JsonObject();
        o.addProperty("format", c.format());
        o.addProperty("architecture", ModelConfig.key(c.architecture()));
        o.addProperty("layers", c.layers());
        o.addProperty("dModel", c.dModel());
        o.addProperty("heads", c.heads());
        if (c.dModel() % c.heads() != 0 || c.headDim() != c.dModel() / c.heads()) {
            o.addProperty("headDim", c.headDim()); // only when it is not derived, so --d-model/--heads still apply
        }
        o.addProperty("ffnDim", c.ffnDim());
        o.addProperty("norm", ModelConfig.key(c.norm()));
        o.addProperty("activation", ModelConfig.key(c.activation()));
        o.addProperty("positions", ModelConfig.key(c.positions()));
        o.addProperty("maxPositions", c.maxPositions());
        o.addProperty("tiedEmbeddings", c.tiedEmbeddings());
        o.addProperty("dropout", c.dropout());
        o.addProperty("attentionDropout", c.attentionDropout());
        o.addProperty("zeroInitOutput", c.zeroInitOutput());
        o.addProperty("parameterization", ModelConfig.key(c.parameterization()));
        if (c.parameterization() == Parameterization.NUGPT) {
            o.addProperty("baseWidth", c.baseWidth());
            o.addProperty("baseDepth", c.baseDepth());
        }
        o.addProperty("outputProjection", ModelConfig.key(c.outputProjection()));
        o.add("vocab", vocabJson(c.vocab()));
        if (c.sourceVocab() != null) {
            o.add("sourceVocab", vocabJson(c.sourceVocab()));
        }
        if (c.attention().stream().distinct().count() == 1) {
            o.add("attention", specJson(c.attention().get(0)));
        } else {
            JsonArray a = new JsonArray();
            c.attention().forEach(s -> a.add(specJson(s)));
            o.add("attention", a);
        }
        return new GsonBuilder().setPrettyPrinting().create().toJson(o) + "\n";
    }

    /** Reads a complete config file (missing keys take the built-in defaults). */
    public static ModelConfig read(Path file) throws IOException {
        return readInto(ModelConfig.builder(), file).build();
    }

    /**
     * Applies the keys of a JSON file over {@code builder} and returns it.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException {@code FILE: key: what is wrong} for malformed JSON, unknown keys and bad values
     */
    public static ModelConfig.Builder readInto(ModelConfig.Builder builder, Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parseInto(builder, text, file.toString());
    }

    /** Parses a complete config from JSON text; {@code origin} names the text in error messages. */
    public static ModelConfig parse(String json, String origin) {
        ModelConfig.Builder b = parseInto(ModelConfig.builder(), json, origin);
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage() + ". Fix the file.", e);
        }
    }

    private static ModelConfig.Builder parseInto(ModelConfig.Builder b, String json, String origin) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(origin + ": expected a JSON object with the model configuration");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(origin + ": not valid JSON (" + e.getMessage() + "). Fix the file.", e);
        }
        for (String key : o.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(origin + ": unknown key '" + key + "'. Known keys: "
                        + String.join(", ", new java.util.TreeSet<>(KEYS)) + ".");
            }
        }
        try {
            if (o.has("format") && integer(o, "format") != ModelConfig.FORMAT) {
                throw new IllegalArgumentException("format: " + integer(o, "format") + " is not supported (this build"
                        + " reads format " + ModelConfig.FORMAT + "). Use the dmodel version that wrote the model");
            }
            if (o.has("architecture")) {
                b.architecture(ModelConfig.parseEnum(Architecture.class, "architecture", string(o, "architecture")));
            }
            if (o.has("layers")) {
                b.layers(integer(o, "layers"));
            }
            if (o.has("dModel")) {
                b.dModel(integer(o, "dModel"));
            }
            if (o.has("heads")) {
                b.heads(integer(o, "heads"));
            }
            if (o.has("headDim")) {
                b.headDim(integer(o, "headDim"));
            }
            if (o.has("ffnDim")) {
                b.ffnDim(integer(o, "ffnDim"));
            }
            if (o.has("norm")) {
                b.norm(ModelConfig.parseEnum(Norm.class, "norm", string(o, "norm")));
            }
            if (o.has("activation")) {
                b.activation(ModelConfig.parseEnum(Activation.class, "activation", string(o, "activation")));
            }
            if (o.has("positions")) {
                b.positions(ModelConfig.parseEnum(Positions.class, "positions", string(o, "positions")));
            }
            if (o.has("maxPositions")) {
                b.maxPositions(integer(o, "maxPositions"));
            }
            if (o.has("tiedEmbeddings")) {
                b.tiedEmbeddings(bool(o, "tiedEmbeddings"));
            }
            if (o.has("dropout")) {
                b.dropout(number(o, "dropout"));
            }
            if (o.has("attentionDropout")) {
                b.attentionDropout(number(o, "attentionDropout"));
            }
            if (o.has("zeroInitOutput")) {
                b.zeroInitOutput(bool(o, "zeroInitOutput"));
            }
            if (o.has("parameterization")) {
                b.parameterization(ModelConfig.parseEnum(Parameterization.class, "parameterization",
                        string(o, "parameterization")));
            }
            if (o.has("baseWidth")) {
                b.baseWidth(integer(o, "baseWidth"));
            }
            if (o.has("baseDepth")) {
                b.baseDepth(integer(o, "baseDepth"));
            }
            if (o.has("outputProjection")) {
                b.outputProjection(ModelConfig.parseEnum(OutputProjection.class, "outputProjection",
                        string(o, "outputProjection")));
            }
            if (o.has("vocab")) {
                b.vocab(vocab(o.get("vocab"), "vocab"));
            }
            if (o.has("sourceVocab")) {
                b.sourceVocab(o.get("sourceVocab").isJsonNull() ? null : vocab(o.get("sourceVocab"), "sourceVocab"));
            }
            if (o.has("attention")) {
                b.attention(specs(o.get("attention")));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(origin + ": " + e.getMessage() + ". Fix the file.", e);
        }
        return b;
    }

    private static JsonObject vocabJson(VocabInfo v) {
        JsonObject o = new JsonObject();
        o.addProperty("size", v.size());
        o.addProperty("pad", v.specialIds().pad());
        o.addProperty("unk", v.specialIds().unk());
        o.addProperty("bos", v.specialIds().bos());
        o.addProperty("eos", v.specialIds().eos());
        return o;
    }

    private static VocabInfo vocab(JsonElement e, String key) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(key + ": expected an object {size, pad, unk, bos, eos}");
        }
        JsonObject o = e.getAsJsonObject();
        for (String k : o.keySet()) {
            if (!VOCAB_KEYS.contains(k)) {
                throw new IllegalArgumentException(key + ": unknown key '" + k + "' (known: size, pad, unk, bos, eos)");
            }
        }
        for (String k : VOCAB_KEYS) {
            if (!o.has(k)) {
                throw new IllegalArgumentException(key + ": missing '" + k + "'");
            }
        }
        SpecialIds ids = new SpecialIds(integer(o, "pad", key), integer(o, "unk", key), integer(o, "bos", key),
                integer(o, "eos", key));
        return new VocabInfo(integer(o, "size", key), ids);
    }

    /** The JSON object of one attention spec, e.g. {@code {"type":"gqa","kvHeads":2}}. */
    public static JsonObject specJson(AttentionSpec spec) {
        JsonObject o = new JsonObject();
        if (spec instanceof AttentionSpec.Gqa g) {
            o.addProperty("type", "gqa");
            o.addProperty("kvHeads", g.kvHeads());
        } else if (spec instanceof AttentionSpec.Tpa t) {
            o.addProperty("type", t.queryFactorized() ? "tpa" : "tpa-kv");
            if (t.queryFactorized()) {
                o.addProperty("rankQ", t.rankQ());
            }
            o.addProperty("rankK", t.rankK());
            o.addProperty("rankV", t.rankV());
        } else {
            o.addProperty("type", "mha");
        }
        return o;
    }

    private static List<AttentionSpec> specs(JsonElement e) {
        List<AttentionSpec> out = new ArrayList<>();
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            for (int i = 0; i < a.size(); i++) {
                out.add(spec(a.get(i), "attention[" + i + "]"));
            }
        } else {
            out.add(spec(e, "attention"));
        }
        return out;
    }

    private static AttentionSpec spec(JsonElement e, String key) {
        if (!e.isJsonObject()) {
            throw new IllegalArgumentException(key + ": expected an object such as {\"type\":\"mha\"}");
        }
        JsonObject o = e.getAsJsonObject();
        String type = string(o, "type", key);
        Set<String> allowed = switch (type) {
            case "mha" -> Set.of("type");
            case "gqa" -> Set.of("type", "kvHeads");
            case "tpa" -> Set.of("type", "rankQ", "rankK", "rankV");
            case "tpa-kv" -> Set.of("type", "rankK", "rankV");
            default -> throw new IllegalArgumentException(key + ": type '" + type
                    + "' is not one of mha, gqa, tpa, tpa-kv");
        };
        for (String k : o.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(key + ": unknown key '" + k + "' for type " + type + " (known: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            }
        }
        try {
            return switch (type) {
                case "mha" -> AttentionSpec.MHA;
                case "gqa" -> new AttentionSpec.Gqa(integer(o, "kvHeads", key));
                case "tpa" -> new AttentionSpec.Tpa(integer(o, "rankQ", key), integer(o, "rankK", key),
                        integer(o, "rankV", key));
                default -> AttentionSpec.Tpa.keyValueOnly(integer(o, "rankK", key), integer(o, "rankV", key));
            };
        } catch (IllegalArgumentException ex) {
            throw ex.getMessage().startsWith(key) ? ex : new IllegalArgumentException(key + ": " + ex.getMessage(), ex);
        }
    }

    private static JsonPrimitive primitive(JsonObject o, String k, String where) {
        JsonElement e = o.get(k);
        if (e == null) {
            throw new IllegalArgumentException(where + ": missing '" + k + "'");
        }
        if (!e.isJsonPrimitive()) {
            throw new IllegalArgumentException(where + ": expected a plain value, got " + e);
        }
        return e.getAsJsonPrimitive();
    }

    private static String string(JsonObject o, String k) {
        return string(o, k, k);
    }

    private static String string(JsonObject o, String k, String where) {
        JsonPrimitive p = primitive(o, k, where);
        if (!p.isString()) {
            throw new IllegalArgumentException(where + ": '" + k + "' must be a string, got " + p);
        }
        return p.getAsString();
    }

    private static int integer(JsonObject o, String k) {
        return integer(o, k, k);
    }

    private static int integer(JsonObject o, String k, String where) {
        JsonPrimitive p = primitive(o, k, where);
        if (!p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble())) {
            throw new IllegalArgumentException(where + ": '" + k + "' must be a whole number, got " + p);
        }
        return p.getAsInt();
    }

    private static double number(JsonObject o, String k) {
        JsonPrimitive p = primitive(o, k, k);
        if (!p.isNumber()) {
            throw new IllegalArgumentException(k + ": must be a number, got " + p);
        }
        return p.getAsDouble();
    }

    private static boolean bool(JsonObject o, String k) {
        JsonPrimitive p = primitive(o, k, k);
        if (!p.isBoolean()) {
            throw new IllegalArgumentException(k + ": must be true or false, got " + p);
        }
        return p.getAsBoolean();
    }
}
