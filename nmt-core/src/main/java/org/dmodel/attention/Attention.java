package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.dmodel.config.AttentionSpec;
import org.dmodel.engine.TorchArrays;

/**
 * Attention of one layer, composed from parts chosen by {@link Attentions#create}: an {@link InputProjection}
 * (self: one fused projection; cross: queries from the target, keys/values from the encoder output), a
 * {@link HeadLayout} (MHA/GQA/MQA or TPA: queries, cached tensors and how they are attended), an optional
 * {@link QueryKeyNorm} (nGPT, papers.md §3.1, inside the layout) and an optional {@link OutputGate} (PG-OP,
 * papers.md §4), then the output projection W_O. {@link #forward} runs over whole sequences (training, and
 * encoding for decoding), {@link #step} one new position over an {@link AttentionCache}. A new variant is a new
 * part, not a flag here.
 *
 * <p>RoPE, when given, rotates queries and keys of self-attention before anything is cached, so a cached key is
 * never rotated again. Normalized modules have projections without biases whose d-vectors stay unit-norm.
 *
 * <p>Parameters: {@code qkv} (self) or {@code query} and {@code keyValue} (cross), {@code output}, for a
 * normalized module {@code queryNorm} and {@code keyNorm}, for a gated output {@code outputGate}.
 * Arrays returned belong to the manager of the input {@code x}. Thread-safe once initialized (no mutable
 * state besides the caches passed in).
 */
public final class Attention extends ModelPart {
    private final HeadLayout layout;
    private final InputProjection inputs;
    private final Projection output;
    private final OutputGate gate;
    private final float attentionDropout;
    private final int heads;
    private final int headDim;

    /**
     * @param norm the layout's query/key normalization (registered here), or null for a standard module
     * @param gate PG-OP's gates, or null
     * @param zeroOutput true to zero-initialize the output projection
     */
    Attention(int dModel, HeadLayout layout, QueryKeyNorm norm, boolean cross, float attentionDropout,
              boolean zeroOutput, OutputGate gate) {
        super((byte) 1);
        this.layout = layout;
        this.gate = gate;
        this.attentionDropout = attentionDropout;
        this.heads = layout.heads;
        this.headDim = layout.headDim;
        boolean normalized = norm != null;
        long[] queryRows = layout.queryRows();
        long[] keyValueRows = layout.keyValueRows();
        if (cross) {
            inputs = new InputProjection.Cross(input(dModel, queryRows, normalized),
                    input(dModel, keyValueRows, normalized));
        } else {
            long[] all = new long[queryRows.length + keyValueRows.length];
            System.arraycopy(queryRows, 0, all, 0, queryRows.length);
            System.arraycopy(keyValueRows, 0, all, queryRows.length, keyValueRows.length);
            inputs = new InputProjection.Self(input(dModel, all, normalized), sum(queryRows));
        }
        // registration order = parameter file order: input projections, output, norms, gate
        String[] names = inputs.names();
        Projection[] blocks = inputs.blocks();
        for (int i = 0; i < names.length; i++) {
            addChildBlock(names[i], blocks[i]);
        }
        output = addChildBlock("output", normalized
                ? Projection.normalized(heads * headDim, dModel, Projection.UnitAxis.COLUMNS)
                : new Projection(heads * headDim, dModel,
                        zeroOutput ? Initializer.ZEROS : Initializers.xavierUniform(dModel)));
        if (normalized) {
            addParameter(norm.queryVector().parameter());
            addParameter(norm.keyVector().parameter());
        }
        if (gate != null) {
            addChildBlock("outputGate", gate.projection());
        }
    }

    /** Parameters PG-OP's gates add to one attention module: W_g (h, d) and b_g (h). */
    public static long outputGateParameters(int dModel, int heads) {
        return OutputGate.parameters(dModel, heads);
    }

    private static Projection input(int dModel, long[] rows, boolean normalized) {
        int width = (int) sum(rows);
        return normalized ? Projection.normalized(dModel, width, Projection.UnitAxis.ROWS)
                : new Projection(dModel, width, Initializers.xavierUniform(rows));
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /** The spec this module implements. */
    public AttentionSpec spec() {
        return layout.spec();
    }

    /** Elements one position adds to this module's cache (papers.md §2.2). */
    public long cacheElementsPerToken() {
        return Attentions.cacheElementsPerToken(spec(), heads, headDim);
    }

    /** A new empty cache for this module whose arrays will belong to {@code manager}. */
    public AttentionCache newCache(NDManager manager) {
        return new AttentionCache(manager, layout.cacheTimeAxes());
    }

    /**
     * Attention over whole sequences.
     *
     * @param x queries' input (B, n, d)
     * @param memory keys' input (B, S, d) for cross-attention; null for self-attention
     * @param mask additive mask broadcastable to (B, 1, n, n or S), or null
     * @param rope rotary tables, or null (no RoPE; always null for cross-attention)
     * @param angles the batch's rotation angles for x's positions, or null
     * @param fill when non-null, the key/value tensors are stored as the cache's shared segment (encoding the
     *     source for decoding)
     * @param probe receives the probabilities, per-head outputs and W_O (diagnostics); null in normal use
     * @return (B, n, d)
     */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray memory, NDArray mask, RotaryEmbedding rope,
                           RotaryEmbedding.Angles angles, AttentionCache fill, boolean training, AttentionProbe probe) {
        NDArray[] parts = inputs.forward(ps, x, memory, training);
        NDArray q = layout.queries(ps, parts[0], rope, angles, training);
        NDArray[] tensors = layout.cacheTensors(ps, parts[1], rope, angles, training);
        if (fill != null) {
            fill.setShared(layout.cacheLayout(tensors));
        }
        KeyValueSegment kv = layout.segment(ps, tensors, x.getManager(), training);
        NDArray o = Attend.attend(q, null, null, kv, mask, 1, attentionDropout, training);
        if (probe != null) {
            probe.record(kv.scores(q, mask, 1).softmax(-1), headInputs(ps, o, x, training), mask,
                    output.weight(ps, x.getDevice()));
        }
        return finish(ps, o, x, training);
    }

    /**
     * Fills a cross-attention cache's shared segment with the keys/values of the encoder output.
     *
     * @param memory encoder output (B, S, d)
     */
    public void encodeMemory(ParameterStore ps, NDArray memory, AttentionCache cache) {
        if (!(inputs instanceof InputProjection.Cross c)) {
            throw new IllegalStateException("encodeMemory needs a cross-attention");
        }
        cache.setShared(layout.cacheLayout(layout.cacheTensors(ps, c.memory(ps, memory), null, null, false)));
    }

    /**
     * One decoding step: a self-attention appends the new position to the cache's growing segment and attends
     * over [shared ; growing]; a cross-attention attends over the shared segment only.
     *
     * @param x the new positions' input (N, 1, d), N = sentences × beam
     * @param sharedMask additive source-padding mask (B, 1, 1, S), or null
     * @param beam hypotheses per sentence
     * @return (N, 1, d)
     */
    public NDArray step(ParameterStore ps, NDArray x, AttentionCache cache, NDArray sharedMask, RotaryEmbedding rope,
                        RotaryEmbedding.Angles angles, int beam) {
        NDArray[] parts = inputs.step(ps, x);
        NDArray q = layout.queries(ps, parts[0], rope, angles, false);
        if (parts[1] != null) {
            cache.append(layout.stepTensors(ps, parts[1], rope, angles));
        }
        NDManager stepOwner = x.getManager();
        KeyValueSegment shared = cache.shared() == null ? null : layout.cachedSegment(ps, cache.shared(), stepOwner);
        KeyValueSegment rows = cache.growing() == null ? null : layout.growingSegment(ps, cache.growing(), stepOwner);
        NDArray o = Attend.attend(q, shared, sharedMask, rows, null, beam, 0f, false);
        return finish(ps, o, x, false);
    }

    /** (N, h, m, d_h) → what each head feeds W_O (N, h, m, d_h): o_h times its gate and the layout's output factor. */
    private NDArray headInputs(ParameterStore ps, NDArray o, NDArray x, boolean training) {
        if (gate != null) {
            o = gate.apply(ps, o, x, training);
        }
        float scale = layout.outputScale();
        return scale != 1f ? TorchArrays.mul(o, scale) : o;
    }

    /** (N, h, m, d_h) → head inputs → (N, m, h·d_h) → output projection (N, m, d). */
    private NDArray finish(ParameterStore ps, NDArray o, NDArray x, boolean training) {
        long n = o.getShape().get(0);
        long m = o.getShape().get(2);
        NDArray h = headInputs(ps, o, x, training);
        // one position per row (decoding): moving the size-1 axis is a reshape
        NDArray merged = (m == 1 ? h : h.transpose(0, 2, 1, 3)).reshape(n, m, (long) heads * headDim); // (N, m, h·d_h)
        return output.apply(ps, merged, training);
    }
}
