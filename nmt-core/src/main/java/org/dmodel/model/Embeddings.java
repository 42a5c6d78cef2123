package org.dmodel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import org.dmodel.attention.Initializers;
import org.dmodel.attention.ModelPart;
import org.dmodel.attention.ScaleVector;
import org.dmodel.attention.UnitNormWeights;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.Int8Linear;
import org.dmodel.engine.Int8ParameterStore;
import org.dmodel.engine.TorchArrays;

/**
 * Token, position and segment embeddings, and the output projection.
 *
 * <p>{@code x = √d · E[ids] + P[positions] + SEG[sides]}, then dropout. E is the joint (or target) token table,
 * N(0, d^-1/2); with tied embeddings it is also the output projection (joint vocabulary: source, target, output).
 * A separate source vocabulary gets its own table {@code sourceTokens}; untied embeddings get {@code output}.
 * Positions are a learned table, a sinusoidal constant (built once for maxPositions) or absent (RoPE acts
 * inside attention). {@code segments} (2, d) are LWC's learned source/target vectors (papers.md §1).
 *
 * <p>Normalized (ngpt/nugpt, papers.md §3.1): every table has unit-norm rows ({@link #renormalize}), the input is
 * {@code h0 = Norm(E[ids])}, for lwc {@code Norm(E[ids] + SEG[sides])} (our extension: nGPT has no segments), with
 * no √d factor and no dropout, and the logits are {@code s_z ⊙ (E_out h)} with the scaling vector
 * {@code logitScale} (V). Results belong to the manager of the ids. Thread-safe once initialized.
 */
final class Embeddings extends ModelPart implements UnitNormWeights {
    /** Side id of source positions in {@code segments}. */
    static final int SOURCE = 0;
    /** Side id of target positions in {@code segments}. */
    static final int TARGET = 1;

    private final ModelConfig config;
    private final float scale;
    private final Parameter tokens;
    private final Parameter sourceTokens;
    private final Parameter output;
    private final Parameter learnedPositions;
    private final Parameter segments;
    private final ScaleVector logitScale;
    private NDManager constants;
    private NDArray sinusoid;

    Embeddings(ModelConfig c) {
        super((byte) 1);
        config = c;
        int d = c.dModel();
        scale = (float) Math.sqrt(d);
        double std = 1 / Math.sqrt(d);
        tokens = addParameter(table("tokens", c.vocab().size(), d, std));
        sourceTokens = c.sourceVocab() != null ? addParameter(table("sourceTokens", c.sourceVocab().size(), d, std)) : null;
        output = c.tiedEmbeddings() ? null : addParameter(table("output", c.vocab().size(), d, std));
        learnedPositions = c.positions() == ModelConfig.Positions.LEARNED
                ? addParameter(table("positions", c.maxPositions(), d, std)) : null;
        segments = c.architecture() == ModelConfig.Architecture.LWC ? addParameter(table("segments", 2, d, std)) : null;
        NormalizedScales scales = NormalizedScales.of(c);
        logitScale = scales == null ? null : new ScaleVector("logitScale", c.vocab().size(), scales.logits());
        if (logitScale != null) {
            addParameter(logitScale.parameter());
        }
    }

    /** True for the output table E_out (a separate output projection), false for every other parameter. */
    boolean isOutputTable(Parameter p) {
        return p == output;
    }

    @Override
    public void renormalize() {
        if (logitScale == null) {
            return;
        }
        for (Parameter p : new Parameter[] {tokens, sourceTokens, output, segments}) {
            if (p != null) {
                UnitNormWeights.normalizeInPlace(p.getArray(), 1);
            }
        }
    }

    private static Parameter table(String name, int rows, int d, double std) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(new Shape(rows, d))
                .optInitializer(Initializers.normal(std)).build();
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        super.initialize(manager, dataType, inputShapes);
        if (config.positions() == ModelConfig.Positions.SINUSOIDAL && constants == null) {
            constants = manager.newSubManager();
            sinusoid = sinusoid(constants, config.maxPositions(), config.dModel());
        }
    }

    /** Vaswani et al.'s table: PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(…). (maxPositions, d). */
    private static NDArray sinusoid(NDManager manager, int positions, int d) {
        float[] t = new float[positions * d];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < d; i += 2) {
                double angle = p / Math.pow(10000.0, (double) i / d);
                t[p * d + i] = (float) Math.sin(angle);
                if (i + 1 < d) {
                    t[p * d + i + 1] = (float) Math.cos(angle);
                }
            }
        }
        return TorchArrays.of(manager, t, new Shape(positions, d));
    }

    /**
     * Embeds token ids.
     *
     * @param ids (B, n) int32
     * @param positions (B or 1, n) int32 position of each token, or null with RoPE
     * @param sides (B or 1, n) int32 segment ids ({@link #SOURCE}/{@link #TARGET}) for LWC, else null
     * @param source true to use the source table (a separate source vocabulary)
     * @return (B, n, d)
     */
    NDArray embed(ParameterStore ps, NDArray ids, NDArray positions, NDArray sides, boolean source, boolean training) {
        Parameter table = source && sourceTokens != null ? sourceTokens : tokens;
        NDArray x = Embedding.embedding(ids, ps.getValue(table, ids.getDevice(), training), SparseFormat.DENSE)
                .singletonOrThrow(); // (B, n, d)
        if (logitScale != null) {
            if (sides != null) {
                x = x.add(Embedding.embedding(sides, ps.getValue(segments, ids.getDevice(), training),
                        SparseFormat.DENSE).singletonOrThrow());
            }
            return UnitNormWeights.normalize(x);
        }
        x = TorchArrays.mul(x, scale);
        if (positions != null && config.positions() != ModelConfig.Positions.ROPE) {
            NDArray p = learnedPositions != null ? ps.getValue(learnedPositions, ids.getDevice(), training) : sinusoid;
            x = x.add(Embedding.embedding(positions, p, SparseFormat.DENSE).singletonOrThrow());
        }
        if (sides != null) {
            x = x.add(Embedding.embedding(sides, ps.getValue(segments, ids.getDevice(), training), SparseFormat.DENSE)
                    .singletonOrThrow());
        }
        return Sublayer.dropout(x, (float) config.dropout(), training);
    }

    /**
     * The output projection's rows for some target ids: float32 (V', d), or their int8 copy when decoding in int8
     * (then {@code weight} is null); and, normalized, their logit scales (V'). Closing frees the int8 copy.
     */
    record OutputRows(NDArray weight, Int8Linear.PackedWeight int8, NDArray scale) implements AutoCloseable {
        @Override
        public void close() {
            if (int8 != null) {
                int8.close();
            }
        }
    }

    /** The output rows of target ids {@code ids} (int32 (V')), in the manager of {@code ids}. */
    OutputRows outputRows(ParameterStore ps, NDArray ids) {
        NDArray table = ps.getValue(outputTable(), ids.getDevice(), false);
        NDArray weight = Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow(); // (V', d)
        Int8Linear.PackedWeight int8 = null;
        if (ps instanceof Int8ParameterStore) {
            int8 = Int8Linear.pack(weight);
            weight.close();
            weight = null;
        }
        if (logitScale == null) {
            return new OutputRows(weight, int8, null);
        }
        try (NDArray all = logitScale.value(ps, ids, false)) { // (V), in the ids' manager
            return new OutputRows(weight, int8, TorchArrays.rows(all, ids)); // (V')
        }
    }

    /** Output logits (…, V') of hidden states h (…, d) over the given output rows, in h's manager. */
    NDArray logits(NDArray h, OutputRows rows) {
        NDArray z = rows.int8() != null ? Int8Linear.apply(h, rows.int8(), null)
                : Linear.linear(h, rows.weight()).singletonOrThrow(); // (…, V')
        return rows.scale() == null ? z : z.mul(rows.scale());
    }

    /** Output logits (…, V) of hidden states h (…, d), in h's manager; in int8 with an {@link Int8ParameterStore}. */
    NDArray logits(ParameterStore ps, NDArray h, boolean training) {
        NDArray z = ps instanceof Int8ParameterStore int8 ? int8.linear(h, outputTable(), null)
                : Linear.linear(h, ps.getValue(outputTable(), h.getDevice(), training)).singletonOrThrow(); // (…, V)
        return logitScale == null ? z : z.mul(logitScale.value(ps, h, training));
    }

    /** The output projection's table (V, d): its own, or the tied target embeddings. */
    private Parameter outputTable() {
        return output != null ? output : tokens;
    }

    /** Parameters of the embeddings of a config (closed form). */
    static long parameters(ModelConfig c) {
        long d = c.dModel();
        long n = c.vocab().size() * d;
        if (c.sourceVocab() != null) {
            n += c.sourceVocab().size() * d;
        }
        if (!c.tiedEmbeddings()) {
            n += c.vocab().size() * d;
        }
        if (c.positions() == ModelConfig.Positions.LEARNED) {
            n += c.maxPositions() * d;
        }
        if (c.architecture() == ModelConfig.Architecture.LWC) {
            n += 2 * d;
        }
        if (c.parameterization().normalized()) {
            n += c.vocab().size(); // s_z
        }
        return n;
    }
}
