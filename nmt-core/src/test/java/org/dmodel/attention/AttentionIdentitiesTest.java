package org.dmodel.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.dmodel.config.AttentionSpec;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.dmodel.testing.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The identities of papers.md §2.1 between the attention variants: GQA with G = h is MHA; GQA equals MHA with
 * replicated key/value heads; TPA with fixed (non-contextual) head factors is MHA or MQA; RoPE on the B factors
 * equals RoPE on the materialized queries/keys. Each compares whole modules (projections, RoPE, mask, kernel,
 * output projection) on the same input, tolerance {@link Tolerance#IDENTITY}.
 */
class AttentionIdentitiesTest {
    private static final int D = 32;
    private static final int H = 4;
    private static final int DH = 8;
    private static final int N = 6;

    private NDManager manager;
    private ParameterStore ps;
    private RotaryEmbedding rope;
    private RotaryEmbedding.Angles angles;
    private NDArray x;
    private NDArray mask;

    @BeforeEach
    void setUp() {
        TestModels.seed(5);
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
        rope = new RotaryEmbedding(manager, DH, 32);
        angles = rope.angles(manager.arange(0, N, 1, DataType.INT32).reshape(1, N));
        x = manager.randomNormal(new Shape(2, N, D));
        mask = Masks.causal(manager, N);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Attention build(AttentionSpec spec) {
        Attention a = Attentions.create(spec, D, H, DH, false, 0f, false, null, false);
        a.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        return a;
    }

    private NDArray run(Attention a) {
        return a.forward(ps, x, null, mask, rope, angles, null, false, null);
    }

    /** The parameter whose path ends with {@code name} (DJL prefixes child names with their index). */
    private static ai.djl.nn.Parameter parameter(Attention a, String name) {
        return a.getParameters().stream().filter(p -> p.getKey().endsWith(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no parameter " + name)).getValue();
    }

    private static float[] get(Attention a, String name) {
        return parameter(a, name).getArray().toFloatArray();
    }

    private static void put(Attention a, String name, float[] values) {
        parameter(a, name).getArray().set(values);
    }

    /** Rows [from, from + count) of a row-major (rows, D) weight. */
    private static float[] rows(float[] w, int from, int count) {
        float[] out = new float[count * D];
        System.arraycopy(w, from * D, out, 0, count * D);
        return out;
    }

    private static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void copyOutput(Attention from, Attention to) {
        put(to, "output_weight", get(from, "output_weight"));
        put(to, "output_bias", get(from, "output_bias"));
    }

    @Test
    void gqaWithAllHeadsEqualsMha() {
        Attention mha = build(AttentionSpec.MHA);
        Attention gqa = build(new AttentionSpec.Gqa(H));
        for (String p : new String[] {"qkv_weight", "qkv_bias"}) {
            put(gqa, p, get(mha, p));
        }
        copyOutput(mha, gqa);
        NdAssert.assertClose(run(mha), run(gqa), Tolerance.IDENTITY, "GQA(G=h) vs MHA");
    }

    @Test
    void gqaEqualsMhaWithReplicatedKeyValueHeads() {
        int g = 2;
        Attention gqa = build(new AttentionSpec.Gqa(g));
        Attention mha = build(AttentionSpec.MHA);
        float[] w = get(gqa, "qkv_weight"); // rows: Q (h·d_h), K (G·d_h), V (G·d_h)
        float[] q = rows(w, 0, H * DH);
        float[] k = new float[0];
        float[] v = new float[0];
        for (int head = 0; head < H; head++) {
            int group = head * g / H; // papers.md §2.1: g(i) = i·G/h
            k = concat(k, rows(w, H * DH + group * DH, DH));
            v = concat(v, rows(w, H * DH + g * DH + group * DH, DH));
        }
        put(mha, "qkv_weight", concat(q, k, v));
        put(mha, "qkv_bias", new float[3 * H * DH]);
        put(gqa, "qkv_bias", new float[(H + 2 * g) * DH]);
        copyOutput(gqa, mha);
        NdAssert.assertClose(run(mha), run(gqa), Tolerance.IDENTITY, "GQA vs MHA with replicated K/V heads");
    }

    /**
     * Head factors for rank R: zero weights and a bias that makes A (h, R) constant: {@code identity} gives
     * A = h·I (R = h, head i reads feature factor i: MHA); otherwise A = 1 (R = 1, every head reads the one
     * factor: MQA). With the 1/R of the product, both reproduce the unfactorized projection exactly.
     */
    private static float[] headFactorBias(int rank, boolean identity) {
        float[] a = new float[H * rank];
        for (int i = 0; i < H; i++) {
            for (int r = 0; r < rank; r++) {
                a[i * rank + r] = identity ? (i == r ? H : 0) : 1;
            }
        }
        return a;
    }

    /** Sets a TPA module to fixed head factors with feature factors taken from the given Q, K, V weight rows. */
    private static void nonContextual(Attention tpa, AttentionSpec.Tpa spec, float[] q, float[] k, float[] v) {
        float[] aq = spec.queryFactorized() ? new float[spec.rankQ() * H * D] : new float[0];
        float[] weight = concat(aq, q, new float[spec.rankK() * H * D], k, new float[spec.rankV() * H * D], v);
        float[] bias = concat(spec.queryFactorized() ? headFactorBias(spec.rankQ(), true) : new float[0],
                new float[q.length / D], headFactorBias(spec.rankK(), spec.rankK() == H), new float[k.length / D],
                headFactorBias(spec.rankV(), spec.rankV() == H), new float[v.length / D]);
        put(tpa, "qkv_weight", weight);
        put(tpa, "qkv_bias", bias);
    }

    @Test
    void tpaWithFixedHeadFactorsEqualsMha() {
        Attention mha = build(AttentionSpec.MHA);
        float[] w = get(mha, "qkv_weight");
        for (AttentionSpec.Tpa spec : new AttentionSpec.Tpa[] {new AttentionSpec.Tpa(H, H, H), AttentionSpec.Tpa.keyValueOnly(H, H)}) {
            Attention tpa = build(spec);
            nonContextual(tpa, spec, rows(w, 0, H * DH), rows(w, H * DH, H * DH), rows(w, 2 * H * DH, H * DH));
            put(mha, "qkv_bias", new float[3 * H * DH]);
            copyOutput(mha, tpa);
            NdAssert.assertClose(run(mha), run(tpa), Tolerance.IDENTITY, spec + " with A = h·I vs MHA");
        }
    }

    @Test
    void tpaWithConstantHeadFactorsEqualsMqa() {
        Attention mqa = build(new AttentionSpec.Gqa(1));
        AttentionSpec.Tpa spec = new AttentionSpec.Tpa(H, 1, 1);
        Attention tpa = build(spec);
        float[] w = get(mqa, "qkv_weight");
        nonContextual(tpa, spec, rows(w, 0, H * DH), rows(w, H * DH, DH), rows(w, H * DH + DH, DH));
        put(mqa, "qkv_bias", new float[(H + 2) * DH]);
        copyOutput(mqa, tpa);
        NdAssert.assertClose(run(mqa), run(tpa), Tolerance.IDENTITY, "TPA with A = 1 vs MQA");
    }

    @Test
    void ropeOnFactorsEqualsRopeOnMaterialized() {
        int rank = 3;
        NDArray a = manager.randomNormal(new Shape(2, N, H, rank));  // (B, n, h, R)
        NDArray b = manager.randomNormal(new Shape(2, N, rank, DH)); // (B, n, R, d_h)
        NDArray rotatedThenProduct = TensorProductHeads.materialize(a, rope.apply(b, angles));
        NDArray productThenRotated = rope.apply(TensorProductHeads.materialize(a, b), angles);
        NdAssert.assertClose(productThenRotated, rotatedThenProduct, Tolerance.IDENTITY, "RoPE(AᵀB) vs Aᵀ RoPE(B)");
    }

    @Test
    void ropeScoresDependOnlyOnRelativePosition() {
        NDArray q = manager.randomNormal(new Shape(1, 1, 1, DH));
        NDArray k = manager.randomNormal(new Shape(1, 1, 1, DH));
        float[] scores = new float[2];
        int[][] pairs = {{7, 3}, {12, 8}};
        for (int i = 0; i < 2; i++) {
            RotaryEmbedding.Angles aq = rope.angles(manager.create(new int[] {pairs[i][0]}, new Shape(1, 1)));
            RotaryEmbedding.Angles ak = rope.angles(manager.create(new int[] {pairs[i][1]}, new Shape(1, 1)));
            scores[i] = rope.apply(q, aq).mul(rope.apply(k, ak)).sum().getFloat();
        }
        NdAssert.assertClose(new float[] {scores[0]}, new float[] {scores[1]}, Tolerance.IDENTITY, "q_7·k_3 vs q_12·k_8");
    }
}
