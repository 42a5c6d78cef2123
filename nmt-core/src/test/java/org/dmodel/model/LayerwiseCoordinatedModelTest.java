package org.dmodel.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.dmodel.testing.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * LWC as one prefix-masked stack (the model) equals LWC computed the way He et al. describe it: an encoder pass
 * (layer l on the source) and a decoder pass whose layer l runs one softmax over the keys/values of
 * [source_{l-1} ; target_{l-1, ≤t}] with the same parameters (papers.md §1). The reference below is written
 * independently from raw parameters, one sentence at a time and without padding (MHA, sinusoidal positions with
 * separate counters, pre-norm, ReLU); incremental decoding is checked against the stack in
 * {@link AttentionContractTest}.
 */
class LayerwiseCoordinatedModelTest {
    private static final int H = 4;

    @Test
    void prefixMaskedStackEqualsEncoderPassThenMixedAttentionDecoder() {
        ModelConfig c = TestModels.config(ModelConfig.Architecture.LWC, "mha").toBuilder()
                .positions(ModelConfig.Positions.SINUSOIDAL).build();
        Random random = new Random(8);
        int[][] src = TestModels.sources(random, 6, 3);
        int[][] tgt = TestModels.targets(random, 2, 4);
        TestModels.seed(2);
        try (Model model = Models.newModel(c, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
            Map<String, NDArray> p = new HashMap<>();
            for (Pair<String, Parameter> e : model.getBlock().getParameters()) {
                p.put(e.getKey().replaceAll("(^|_)\\d\\d", "$1"), e.getValue().getArray()); // drop DJL's child indices
            }
            NDArray stack = Models.block(model).logits(new ParameterStore(m, false),
                    m.create(TestModels.padded(src, 6), new Shape(2, 6)), m.create(TestModels.padded(tgt, 4), new Shape(2, 4)),
                    false); // (B, T, V)
            for (int b = 0; b < src.length; b++) {
                NDArray reference = reference(c, p, m, src[b], tgt[b]);
                NdAssert.assertClose(reference, stack.get(b), Tolerance.IDENTITY, "sentence " + b);
            }
        }
    }

    /** Logits (T, V) of one sentence: encoder pass over the source, mixed-attention decoder over the target. */
    private static NDArray reference(ModelConfig c, Map<String, NDArray> p, NDManager m, int[] x, int[] y) {
        int d = c.dModel();
        NDArray s = embed(c, p, m, x, 0); // (S, d)
        NDArray t = embed(c, p, m, y, 1); // (T, d)
        for (int l = 0; l < c.layers(); l++) {
            String layer = String.format("layer%02d_", l);
            NDArray sa = norm(s, p, layer + "attentionNorm", d);
            NDArray ta = norm(t, p, layer + "attentionNorm", d);
            NDArray[] sqkv = split(sa.matMul(p.get(layer + "attention_qkv_weight").transpose())
                    .add(p.get(layer + "attention_qkv_bias")));
            NDArray[] tqkv = split(ta.matMul(p.get(layer + "attention_qkv_weight").transpose())
                    .add(p.get(layer + "attention_qkv_bias")));
            // Encoder pass: source attends over the source. Decoder pass: target attends over [source ; causal target].
            NDArray sAttn = attend(sqkv[0], sqkv[1], sqkv[2], x.length, 0);
            NDArray tAttn = attend(tqkv[0], sqkv[1].concat(tqkv[1], 0), sqkv[2].concat(tqkv[2], 0), x.length, y.length);
            s = s.add(project(sAttn, p, layer + "attention_output"));
            t = t.add(project(tAttn, p, layer + "attention_output"));
            s = s.add(ffn(norm(s, p, layer + "ffnNorm", d), p, layer));
            t = t.add(ffn(norm(t, p, layer + "ffnNorm", d), p, layer));
        }
        return norm(t, p, "finalNorm", d).matMul(p.get("embeddings_tokens").transpose()); // (T, V)
    }

    private static NDArray embed(ModelConfig c, Map<String, NDArray> p, NDManager m, int[] ids, int side) {
        int d = c.dModel();
        float[] table = new float[ids.length * d];
        for (int pos = 0; pos < ids.length; pos++) {
            for (int i = 0; i < d; i += 2) {
                double angle = pos / Math.pow(10000.0, (double) i / d);
                table[pos * d + i] = (float) Math.sin(angle);
                table[pos * d + i + 1] = (float) Math.cos(angle);
            }
        }
        NDArray e = p.get("embeddings_tokens").get(m.create(ids)).duplicate();
        e.attach(m);
        NDArray segment = p.get("embeddings_segments").get(side).duplicate();
        segment.attach(m);
        return e.mul(Math.sqrt(d)).add(m.create(table, new Shape(ids.length, d))).add(segment);
    }

    private static NDArray norm(NDArray x, Map<String, NDArray> p, String name, int d) {
        return LayerNorm.layerNorm(x, new Shape(d), p.get(name + "_gamma"), p.get(name + "_beta"), 1e-5f)
                .singletonOrThrow();
    }

    private static NDArray[] split(NDArray qkv) {
        NDList parts = qkv.split(3, 1);
        return new NDArray[] {parts.get(0), parts.get(1), parts.get(2)};
    }

    /**
     * Per-head softmax(q kᵀ / √d_h) v for queries (n, h·d_h) over keys (m, h·d_h). With {@code targets} = 0 every
     * key is visible (source over source); otherwise the first {@code sources} keys are the source and the target
     * query i sees target keys 0..i.
     */
    private static NDArray attend(NDArray q, NDArray k, NDArray v, int sources, int targets) {
        long n = q.getShape().get(0);
        long keys = k.getShape().get(0);
        long dh = q.getShape().get(1) / H;
        NDArray qh = q.reshape(n, H, dh).transpose(1, 0, 2);
        NDArray kh = k.reshape(keys, H, dh).transpose(1, 2, 0);
        NDArray vh = v.reshape(keys, H, dh).transpose(1, 0, 2);
        NDArray scores = qh.matMul(kh).div(Math.sqrt(dh)); // (h, n, keys)
        if (targets > 0) {
            float[] mask = new float[(int) (n * keys)];
            for (int i = 0; i < n; i++) {
                for (int j = sources; j < keys; j++) {
                    if (j - sources > i) {
                        mask[(int) (i * keys + j)] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
            scores = scores.add(q.getManager().create(mask, new Shape(n, keys)));
        }
        return scores.softmax(2).matMul(vh).transpose(1, 0, 2).reshape(n, H * dh);
    }

    private static NDArray project(NDArray x, Map<String, NDArray> p, String name) {
        return x.matMul(p.get(name + "_weight").transpose()).add(p.get(name + "_bias"));
    }

    private static NDArray ffn(NDArray x, Map<String, NDArray> p, String layer) {
        return project(Activation.relu(project(x, p, layer + "ffn_in")), p, layer + "ffn_out");
    }
}
