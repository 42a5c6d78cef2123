package org.dmodel.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.dmodel.attention.Attention;
import org.dmodel.attention.Attentions;
import org.dmodel.config.AttentionSpec;
import org.dmodel.config.ModelConfig;

/**
 * The model summary printed by {@code nmt-train --print-model} and {@code nmt-translate --model-info}:
 * parameter counts (closed form, equal to the built block's) and decoding-cache elements per token (papers.md
 * §2.2), per layer and in total. Stateless.
 *
 * <p>Fields: {@code architecture}, {@code parameters} (total), {@code embeddingParameters}, {@code layers}: per
 * layer index {@code attention} (spec string), {@code parameters} (encdec: encoder + decoder layer i),
 * {@code cacheElementsPerToken} (lwc: the layer's cache; encdec: decoder self-attention) and, for encdec,
 * {@code crossCacheElementsPerSourceToken}; then the totals {@code cacheElementsPerToken},
 * {@code crossCacheElementsPerSourceToken} (encdec) and {@code cacheBytesPerTokenFp32}; {@code outputProjection}
 * and, for PG-OP, {@code outputGateParameters} (all modules) and {@code outputGateOverheadPercentOfWo} (one
 * module's gates relative to its W_O with bias; papers.md §4 bounds it by 1.6 % at d_h = 64). For lwc the source part of
 * the cache also costs {@code cacheElementsPerToken} per source token (stored once per sentence).
 */
public final class ModelSummary {
    private ModelSummary() {}

    /** The summary of {@code config} as JSON. */
    public static JsonObject of(ModelConfig c) {
        boolean lwc = c.architecture() == ModelConfig.Architecture.LWC;
        JsonObject o = new JsonObject();
        o.addProperty("architecture", ModelConfig.key(c.architecture()));
        o.addProperty("parameters", parameters(c));
        o.addProperty("embeddingParameters", Embeddings.parameters(c));
        JsonArray layers = new JsonArray();
        long cache = 0;
        long cross = 0;
        for (int i = 0; i < c.layers(); i++) {
            AttentionSpec spec = c.attention().get(i);
            long perToken = Attentions.cacheElementsPerToken(spec, c.heads(), c.headDim());
            JsonObject layer = new JsonObject();
            layer.addProperty("attention", spec.toString());
            if (lwc) {
                layer.addProperty("parameters", TransformerLayer.parameters(c, spec));
            } else {
                long enc = TransformerLayer.parameters(c, spec);
                long dec = DecoderLayer.parameters(c, spec);
                layer.addProperty("parameters", enc + dec);
                layer.addProperty("encoderParameters", enc);
                layer.addProperty("decoderParameters", dec);
            }
            layer.addProperty("cacheElementsPerToken", perToken);
            cache += perToken;
            if (!lwc) {
                layer.addProperty("crossCacheElementsPerSourceToken", perToken);
                cross += perToken;
            }
            layers.add(layer);
        }
        o.add("layers", layers);
        o.addProperty("cacheElementsPerToken", cache);
        if (!lwc) {
            o.addProperty("crossCacheElementsPerSourceToken", cross);
        }
        o.addProperty("cacheBytesPerTokenFp32", cache * 4);
        o.addProperty("outputProjection", ModelConfig.key(c.outputProjection()));
        if (c.outputProjection() == ModelConfig.OutputProjection.PG_OP) {
            int modules = lwc ? c.layers() : 3 * c.layers();
            long perModule = Attention.outputGateParameters(c.dModel(), c.heads());
            long outputProjection = (long) c.heads() * c.headDim() * c.dModel() + c.dModel(); // W_O and its bias
            o.addProperty("outputGateParameters", modules * perModule);
            o.addProperty("outputGateOverheadPercentOfWo", 100.0 * perModule / outputProjection);
        }
        return o;
    }

    /** The summary as pretty-printed JSON text, as the CLIs print it. */
    public static String json(ModelConfig c) {
        return new com.google.gson.GsonBuilder().setPrettyPrinting().create().toJson(of(c)) + "\n";
    }

    /** Total parameters of the model of {@code c} (closed form). */
    public static long parameters(ModelConfig c) {
        long n = Embeddings.parameters(c);
        boolean pre = c.norm() == ModelConfig.Norm.PRE && !c.parameterization().normalized();
        for (AttentionSpec spec : c.attention()) {
            n += TransformerLayer.parameters(c, spec);
            if (c.architecture() == ModelConfig.Architecture.ENCDEC) {
                n += DecoderLayer.parameters(c, spec);
            }
        }
        int finalNorms = !pre ? 0 : c.architecture() == ModelConfig.Architecture.ENCDEC ? 2 : 1;
        return n + finalNorms * 2L * c.dModel();
    }
}
