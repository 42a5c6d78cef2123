package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import org.dmodel.config.AttentionSpec;
import org.dmodel.engine.TorchArrays;

/**
 * Attention of one layer, in one of the variants of papers.md §2 behind one interface: {@link #forward}
 * over whole sequences (training, and encoding for decoding), {@link #step} for one new position over an
 * {@link AttentionCache}.
 *
 * <p>A self-attention has one fused projection producing the query part and the key/value part (for TPA:
 * all A and B factors) in one matmul; a cross-attention has one projection for queries (from the target)
 * and one for keys/values (from the encoder output). RoPE, when given, rotates queries and keys of
 * self-attention before anything is cached, so a cached key is never rotated again. Subclasses define how
 * the projections become queries and cache tensors, and how cache tensors become Kᵀ and V.
 *
 * <p>Normalized (nGPT, papers.md §3.1) when built with a {@code qkNorm} init: projections without biases whose
 * d-vectors stay unit-norm, and queries and keys normalized per head after RoPE (for TPA: after materialization)
 * and multiplied by learned scaling vectors {@code queryNorm} (h·d_h) and {@code keyNorm} (key heads·d_h), with
 * score scale √d_h instead of 1/√d_h. nGPT shares one s_qk between queries and keys; separate vectors let
 * GQA/MQA/TPA have fewer key heads than query heads [I]. Cross-attention is normalized the same way (our
 * extension: nGPT has no encoder).
 *
 * <p>With a gated output (PG-OP, papers.md §4) each head's output o_h is first multiplied by a per-token gate
 * g_h = 2·sigmoid(W_g x + b_g) computed from the attention's query-side input x; W_g and b_g start at zero, so
 * g = 1 and the module starts as the standard projection. The gates act before W_O, so caches do not change.
 *
 * <p>Parameters: {@code qkv} (self) or {@code query} and {@code keyValue} (cross), {@code output}, and for a
 * gated output {@code outputGate}.
 * Arrays returned belong to the manager of the input {@code x}. Thread-safe once initialized (no mutable
 * state besides the caches passed in).
 */
public abstract class Attention extends ModelPart {
    protected final int heads;
    protected final int headDim;
    private final boolean cross;
    private final float attentionDropout;
    private final long queryWidth;
    private final Projection fused;
    private final Projection query;
    private final Projection keyValue;
    private final Projection output;
    private final Projection outputGate;
    private final ScaleVector queryNorm;
    private final ScaleVector keyNorm;
    private final float normalizedScoreScale;

    /**
     * @param queryRows row blocks of the query projection (each Xavier-initialized on its own)
     * @param keyValueRows row blocks of the key/value projection
     * @param cross true for cross-attention (queries and keys from different sequences)
     * @param zeroOutput true to zero-initialize the output projection
     * @param keyHeads heads of the keys the scores are taken with (GQA: G; TPA: h), the size of {@code keyNorm}
     * @param qkNorm init/scale of the query and key scaling vectors for a normalized module; null for standard
     * @param gatedOutput true for PG-OP's per-token head gates before the output projection
     */
    protected Attention(int dModel, int heads, int headDim, long[] queryRows, long[] keyValueRows, boolean cross,
                        float attentionDropout, boolean zeroOutput, int keyHeads, ScaleVector.Init qkNorm,
                        boolean gatedOutput) {
        super((byte) 1);
        this.heads = heads;
        this.headDim = headDim;
        this.cross = cross;
        this.attentionDropout = attentionDropout;
        long qw = 0;
        for (long r : queryRows) {
            qw += r;
        }
        long kvw = 0;
        for (long r : keyValueRows) {
            kvw += r;
        }
        this.queryWidth = qw;
        boolean normalized = qkNorm != null;
        if (cross) {
            fused = null;
            query = addChildBlock("query", input(dModel, qw, queryRows, normalized));
            keyValue = addChildBlock("keyValue", input(dModel, kvw, keyValueRows, normalized));
        } else {
            long[] all = new long[queryRows.length + keyValueRows.length];
            System.arraycopy(queryRows, 0, all, 0, queryRows.length);
            System.arraycopy(keyValueRows, 0, all, queryRows.length, keyValueRows.length);
            fused = addChildBlock("qkv", input(dModel, qw + kvw, all, normalized));
            query = null;
            keyValue = null;
        }
        output = addChildBlock("output", normalized
                ? Projection.normalized(heads * headDim, dModel, Projection.UnitAxis.COLUMNS)
                : new Projection(heads * headDim, dModel,
                        zeroOutput ? Initializer.ZEROS : Initializers.xavierUniform(dModel)));
        if (normalized) {
            queryNorm = new ScaleVector("queryNorm", heads * headDim, qkNorm);
            keyNorm = new ScaleVector("keyNorm", keyHeads * headDim, qkNorm);
            addParameter(queryNorm.parameter());
            addParameter(keyNorm.parameter());
        } else {
            queryNorm = null;
            keyNorm = null;
        }
        normalizedScoreScale = (float) Math.sqrt(headDim);
        outputGate = gatedOutput ? addChildBlock("outputGate", new Projection(dModel, heads, Initializer.ZEROS)) : null;
    }

    /** Parameters PG-OP's gates add to one attention module: W_g (h, d) and b_g (h). */
    public static long outputGateParameters(int dModel, int heads) {
        return (long) heads * (dModel + 1);
    }

    private static Projection input(int dModel, long width, long[] rows, boolean normalized) {
        return normalized ? Projection.normalized(dModel, (int) width, Projection.UnitAxis.ROWS)
                : new Projection(dModel, (int) width, Initializers.xavierUniform(rows));
    }

    /** True for a normalized (nGPT) module: subclasses then leave the score scale to {@link #normalizeQueries}. */
    protected boolean normalized() {
        return queryNorm != null;
    }

    /**
     * nGPT queries (papers.md §3.1): {@code s_q ⊙ Norm(q) · √d_h} per head, q (…, h, d_h) after RoPE; the √d_h is
     * the score scale. Result in q's manager.
     */
    protected NDArray normalizeQueries(ParameterStore ps, NDArray q, boolean training) {
        NDArray s = TorchArrays.mul(queryNorm.value(ps, q, training), normalizedScoreScale).reshape(heads, headDim); // (h, d_h)
        return UnitNormWeights.normalize(q).mul(s);
    }

    /**
     * Per-head queries (B, n, h, d_h) from an unfactorized query part (B, n, h·d_h): rotated, then normalized (nGPT)
     * or multiplied by the score scale {@code scale}. In the part's manager.
     */
    protected NDArray headQueries(ParameterStore ps, NDArray part, RotaryEmbedding rope, RotaryEmbedding.Angles angles,
                                  float scale, boolean training) {
        NDArray q = part.reshape(part.getShape().get(0), part.getShape().get(1), heads, headDim); // (B, n, h, d_h)
        if (angles != null) {
            q = rope.apply(q, angles);
        }
        return normalized() ? normalizeQueries(ps, q, training) : TorchArrays.mul(q, scale);
    }

    /** nGPT keys: {@code s_k ⊙ Norm(k)} per head, k (…, G, d_h) after RoPE (TPA: materialized), in k's manager. */
    protected NDArray normalizeKeys(ParameterStore ps, NDArray k, boolean training) {
        NDArray s = keyNorm.value(ps, k, training).reshape(-1, headDim); // (G, d_h)
        return UnitNormWeights.normalize(k).mul(s);
    }

    /** The spec this module implements. */
    public abstract AttentionSpec spec();

    /** Elements one position adds to this module's cache (papers.md §2.2). */
    public long cacheElementsPerToken() {
        return Attentions.cacheElementsPerToken(spec(), heads, headDim);
    }

    /** Queries (B, h, n, d_h) from the query part of the projection, rotated and multiplied by the score scale. */
    protected abstract NDArray queries(ParameterStore ps, NDArray queryPart, RotaryEmbedding rope,
                                       RotaryEmbedding.Angles angles, boolean training);

    /** The cache tensors of n positions (batch axis 0) from the key/value part of the projection. */
    protected abstract NDArray[] cacheTensors(ParameterStore ps, NDArray keyValuePart, RotaryEmbedding rope,
                                              RotaryEmbedding.Angles angles, boolean training);

    /**
     * The segment to attend over, from the tensors {@link #cacheTensors} made. Whatever this makes (results and
     * temporaries) belongs to {@code owner}.
     */
    protected abstract KeyValueSegment segment(ParameterStore ps, NDArray[] tensors, NDManager owner,
                                               boolean training);

    /**
     * The tensors a decoding cache keeps of {@link #cacheTensors}' output; the identity unless the variant keeps
     * its cache in a layout of its own. Each result's time axis is the one {@link #cacheTimeAxes} gives.
     */
    protected NDArray[] cacheLayout(NDArray[] tensors) {
        return tensors;
    }

    /**
     * The segment to attend over from a decoding cache's tensors ({@link #cacheLayout}); by default
     * {@link #segment}. Whatever this makes belongs to {@code owner}, not to the cache's manager: a step's
     * temporaries then go with the step instead of piling up in the cache until the whole batch is decoded.
     */
    protected KeyValueSegment cachedSegment(ParameterStore ps, NDArray[] cached, NDManager owner) {
        return segment(ps, cached, owner, false);
    }

    /** Time axis of each tensor a decoding cache keeps. */
    protected abstract int[] cacheTimeAxes();

    /** Factor on the attention output before the output projection (TPA: 1/R_V); 1 for none. */
    protected float outputScale() {
        return 1f;
    }

    /** A new empty cache for this module whose arrays will belong to {@code manager}. */
    public AttentionCache newCache(NDManager manager) {
        return new AttentionCache(manager, cacheTimeAxes());
    }

    /**
     * Attention over whole sequences.
     *
     * @param x queries' input (B, n, d)
     * @param memory keys' input (B, S, d) for cross-attention; null for self-attention
     * @param mask additive mask broadcastable to (B, 1, n, n or S), or null
     * @param rope rotary tables, or null (no RoPE; always null for cross-attention)
     * @param angles the batch's rotation angles for x's positions, or null
     * @param fill when non-null, the key/value cache tensors are stored as the cache's shared segment (encoding
     *     the source for decoding)
     * @param probe receives the probabilities, per-head outputs and W_O (diagnostics); null in normal use
     * @return (B, n, d)
     */
    public NDArray forward(ParameterStore ps, NDArray x, NDArray memory, NDArray mask, RotaryEmbedding rope,
                           RotaryEmbedding.Angles angles, AttentionCache fill, boolean training, AttentionProbe probe) {
        NDArray q;
        NDArray[] cached;
        if (cross) {
            q = queries(ps, query.apply(ps, x, training), null, null, training);
            cached = cacheTensors(ps, keyValue.apply(ps, memory, training), null, null, training);
        } else {
            NDList parts = split(fused.apply(ps, x, training), queryWidth);
            q = queries(ps, parts.get(0), rope, angles, training);
            cached = cacheTensors(ps, parts.get(1), rope, angles, training);
        }
        if (fill != null) {
            fill.setShared(cacheLayout(cached));
        }
        KeyValueSegment kv = segment(ps, cached, x.getManager(), training);
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
        cache.setShared(cacheLayout(cacheTensors(ps, keyValue.apply(ps, memory, false), null, null, false)));
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
        NDArray q;
        if (cross) {
            q = queries(ps, query.apply(ps, x, false), null, null, false);
        } else {
            NDList parts = split(fused.apply(ps, x, false), queryWidth);
            q = queries(ps, parts.get(0), rope, angles, false);
            cache.append(cacheLayout(cacheTensors(ps, parts.get(1), rope, angles, false)));
        }
        NDManager stepOwner = x.getManager();
        KeyValueSegment shared = cache.shared() == null ? null : cachedSegment(ps, cache.shared(), stepOwner);
        KeyValueSegment rows = cache.growing() == null ? null : cachedSegment(ps, cache.growing(), stepOwner);
        NDArray o = Attend.attend(q, shared, sharedMask, rows, null, beam, 0f, false);
        return finish(ps, o, x, false);
    }

    /** Splits a projection (B, n, q + kv) into its query part and its key/value part. */
    private static NDList split(NDArray projected, long queryWidth) {
        return projected.split(new long[] {queryWidth}, 2);
    }

    /** (N, h, m, d_h) → what each head feeds W_O (N, h, m, d_h): o_h times its gate from x (N, m, d) and the output factor. */
    private NDArray headInputs(ParameterStore ps, NDArray o, NDArray x, boolean training) {
        if (outputGate != null) {
            NDArray gates = TorchArrays.mul(Activation.sigmoid(outputGate.apply(ps, x, training)), 2); // (N, m, h)
            o = o.mul(gates.transpose(0, 2, 1).expandDims(3)); // (N, h, m, d_h)
        }
        return outputScale() != 1f ? TorchArrays.mul(o, outputScale()) : o;
    }

    /** (N, h, m, d_h) → head inputs → (N, m, h·d_h) → output projection (N, m, d). */
    private NDArray finish(ParameterStore ps, NDArray o, NDArray x, boolean training) {
        long n = o.getShape().get(0);
        long m = o.getShape().get(2);
        NDArray merged = headInputs(ps, o, x, training).transpose(0, 2, 1, 3).reshape(n, m, (long) heads * headDim); // (N, m, h·d_h)
        return output.apply(ps, merged, training);
    }
}
