package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelOptions;
import org.dmodel.config.Presets;
import org.dmodel.config.VocabInfo;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.dmodel.testing.Tolerance;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.Test;

/** Parameter counts, the summary, training-mode behaviour and gradients of the built models. */
class ModelsTest {
    private static long count(Model model) {
        long n = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            n += p.getValue().getArray().size();
        }
        return n;
    }

    @Test
    void parameterCountsEqualTheClosedForm() {
        List<ModelConfig> configs = List.of(
                TestModels.config(ModelConfig.Architecture.ENCDEC, "tpa:2/1/2;gqa:2;mha"),
                TestModels.config(ModelConfig.Architecture.LWC, "tpa-kv:2/1;mqa"),
                TestModels.config(ModelConfig.Architecture.ENCDEC, "mha").toBuilder().tiedEmbeddings(false)
                        .positions(ModelConfig.Positions.LEARNED).activation(ModelConfig.Activation.SWIGLU)
                        .sourceVocab(new VocabInfo(30, SpecialIds.DEFAULT)).norm(ModelConfig.Norm.POST).build(),
                TestModels.config(ModelConfig.Architecture.ENCDEC, "tpa:2/1/2;gqa:2").toBuilder()
                        .outputProjection(ModelConfig.OutputProjection.PG_OP).build(),
                TestModels.config(ModelConfig.Architecture.LWC, "mha;tpa-kv:2/1").toBuilder()
                        .outputProjection(ModelConfig.OutputProjection.PG_OP).build(),
                TestModels.config(ModelConfig.Architecture.ENCDEC, "tpa:2/1/2;gqa:2;mha", ModelConfig.Parameterization.NGPT),
                TestModels.config(ModelConfig.Architecture.LWC, "tpa-kv:2/1;mqa", ModelConfig.Parameterization.NUGPT),
                TestModels.config(ModelConfig.Architecture.ENCDEC, "mqa", ModelConfig.Parameterization.NGPT).toBuilder()
                        .sourceVocab(new VocabInfo(30, SpecialIds.DEFAULT)).build());
        for (ModelConfig c : configs) {
            try (Model model = Models.newModel(c, Device.cpu())) {
                assertEquals(ModelSummary.parameters(c), count(model), c.toString());
                assertEquals(ModelSummary.parameters(c), ModelSummary.of(c).get("parameters").getAsLong());
            }
        }
        // Written out for tiny encdec, MHA, vocabulary 40: d 32, ffn 64, 2+2 layers, pre-norm.
        long d = 32;
        long f = 64;
        long attention = 3 * d * d + 3 * d + d * d + d;
        long ffn = d * f + f + f * d + d;
        long encoderLayer = attention + ffn + 4 * d;
        long decoderLayer = 2 * attention + ffn + 6 * d;
        long expected = 40 * d + 2 * encoderLayer + 2 * decoderLayer + 2 * 2 * d;
        assertEquals(expected, ModelSummary.parameters(TestModels.config(ModelConfig.Architecture.ENCDEC, "mha")));
        // lwc of the same depth: one stack, segments, one final norm — about half.
        long lwc = 40 * d + 2 * d + 2 * encoderLayer + 2 * d;
        assertEquals(lwc, ModelSummary.parameters(TestModels.config(ModelConfig.Architecture.LWC, "mha")));
        // ngpt: no biases or norms; SwiGLU in (2f×d), out (d×f), s_u, s_ν; α per sublayer; s_q, s_k; E_out and s_z.
        long nAttention = 3 * d * d + d * d + 2 * d;
        long nFfn = 2 * f * d + f * d + 2 * f;
        long nEncoderLayer = nAttention + nFfn + 2 * d;
        long nDecoderLayer = 2 * nAttention + nFfn + 3 * d;
        assertEquals(2 * 40 * d + 40 + 2 * nEncoderLayer + 2 * nDecoderLayer, ModelSummary.parameters(
                TestModels.config(ModelConfig.Architecture.ENCDEC, "mha", ModelConfig.Parameterization.NGPT)));
    }

    @Test
    void summaryReportsPerLayerCacheElements() {
        ModelConfig c = Presets.of("base").attention(ModelOptions.parseSpecs("tpa:6/2/2;gqa:2;mqa;mha;tpa-kv:1/1;mha"))
                .build();
        JsonObject s = ModelSummary.of(c);
        long[] expected = {4 * (8 + 64), 2 * 2 * 64, 2 * 64, 2 * 8 * 64, 2 * (8 + 64), 2 * 8 * 64};
        long sum = 0;
        for (int l = 0; l < expected.length; l++) {
            JsonObject layer = s.getAsJsonArray("layers").get(l).getAsJsonObject();
            assertEquals(expected[l], layer.get("cacheElementsPerToken").getAsLong(), "layer " + l);
            assertEquals(expected[l], layer.get("crossCacheElementsPerSourceToken").getAsLong(), "layer " + l);
            sum += expected[l];
        }
        assertEquals(sum, s.get("cacheElementsPerToken").getAsLong());
        assertEquals(4 * sum, s.get("cacheBytesPerTokenFp32").getAsLong());
        assertEquals("tpa:6/2/2", s.getAsJsonArray("layers").get(0).getAsJsonObject().get("attention").getAsString());
        assertEquals(1024, ModelSummary.of(Presets.of("base").build()).getAsJsonArray("layers").get(0).getAsJsonObject()
                .get("cacheElementsPerToken").getAsLong(), "papers.md §2.2 MHA base");
    }

    @Test
    void pgOpGatesCostLessThanOnePointSixPercentOfTheOutputProjection() {
        // papers.md §4: H(d+1) gate parameters per attention module, < 1.6 % of W_O at d_h = 64.
        for (String preset : List.of("small", "base", "big")) {
            ModelConfig c = Presets.of(preset).outputProjection(ModelConfig.OutputProjection.PG_OP).build();
            assertEquals(64, c.headDim(), preset);
            JsonObject s = ModelSummary.of(c);
            double percent = s.get("outputGateOverheadPercentOfWo").getAsDouble();
            assertTrue(percent < 1.6 && percent > 1.5, preset + ": " + percent);
            assertEquals(3L * c.layers() * c.heads() * (c.dModel() + 1), s.get("outputGateParameters").getAsLong());
            assertEquals(ModelSummary.parameters(c) - ModelSummary.parameters(c.toBuilder()
                    .outputProjection(ModelConfig.OutputProjection.STANDARD).build()),
                    s.get("outputGateParameters").getAsLong(), preset);
        }
    }

    @Test
    void dropoutOnlyWhenTrainingAndEveryParameterGetsAGradient() {
        for (ModelConfig.Architecture arch : ModelConfig.Architecture.values()) {
            ModelConfig c = TestModels.config(arch, "tpa:2/1/2;gqa:2").toBuilder().dropout(0.3).attentionDropout(0.1)
                    .build();
            TestModels.seed(1);
            try (Model model = Models.newModel(c, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
                Seq2SeqModel block = Models.block(model);
                Random random = new Random(4);
                int[][] src = TestModels.sources(random, 4, 6);
                NDArray s = m.create(TestModels.padded(src, 6), new Shape(2, 6));
                NDArray t = m.create(TestModels.padded(TestModels.targets(random, 2, 5), 5), new Shape(2, 5));
                ParameterStore ps = new ParameterStore(m, false);
                NdAssert.assertClose(block.logits(ps, s, t, false), block.logits(ps, s, t, false), 0.0, "inference");
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray a = block.logits(ps, s, t, true);
                    NDArray b = block.logits(ps, s, t, true);
                    assertTrue(NdAssert.maxAbsDiff(a, b) > Tolerance.PATH, "dropout differs between training passes");
                    gc.backward(a.logSoftmax(-1).get(":, :, 5").sum().neg());
                }
                for (Pair<String, Parameter> p : block.getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.attach(m);
                    assertFalse(g.abs().sum().getFloat() == 0f, arch + " " + p.getKey() + " has no gradient");
                }
            }
        }
    }
}
