package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Map;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.config.ModelConfig.Parameterization;
import org.dmodel.testing.TestModels;
import org.dmodel.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The normalized Transformer's weight invariants (papers.md §3.1): every matrix has unit-norm d-vectors after
 * initialization and after renormalizing perturbed weights; no norms or biases; scaling vectors start from the
 * init/scale table, with νGPT's width and depth rules (§3.2); parameter groups by role.
 */
class NormalizedModelTest {
    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"LWC, mha, NGPT", "LWC, tpa:3/2/2, NGPT", "ENCDEC, mha, NGPT", "ENCDEC, tpa:3/2/2, NUGPT",
            "ENCDEC, gqa:2, NUGPT", "LWC, tpa-kv:2/1;mqa, NUGPT"})
    void everyMatrixHasUnitNormVectorsAfterInitAndAfterRenormalizing(Architecture arch, String specs,
                                                                     Parameterization param) {
        ModelConfig c = TestModels.config(arch, specs, param);
        TestModels.seed(3);
        try (Model model = Models.newModel(c, Device.cpu()); NDManager scratch = NDManager.newBaseManager()) {
            int matrices = TestModels.assertUnitNorms(model.getBlock(), "after init");
            // embeddings (tokens, output, lwc segments); per layer attention in/out and FFN in/out, and for encdec
            // the decoder layer's self in/out, cross query/keyValue/output and FFN in/out
            int perLayer = arch == Architecture.LWC ? 4 : 4 + 7;
            assertEquals((arch == Architecture.LWC ? 3 : 2) + c.layers() * perLayer, matrices, "matrices");
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                NDArray w = p.getValue().getArray();
                w.muli(scratch.randomUniform(0.5f, 2f, w.getShape())); // as an optimizer step would
            }
            Models.block(model).renormalize();
            TestModels.assertUnitNorms(model.getBlock(), "after renormalize");
        }
    }

    @Test
    void noLayerNormsNoBiasesAndOnlyScalingVectorsBesideMatrices() {
        for (Architecture arch : Architecture.values()) {
            ModelConfig c = TestModels.config(arch, "tpa:2/1/2;gqa:2", Parameterization.NGPT);
            try (Model model = Models.newModel(c, Device.cpu())) {
                Map<String, ParameterGroup> groups = Models.block(model).parameterGroups();
                for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                    String name = p.getKey();
                    assertFalse(name.endsWith("bias") || name.endsWith("gamma") || name.endsWith("beta"), name);
                    if (p.getValue().getArray().getShape().dimension() == 1) {
                        assertTrue(name.endsWith("Alpha") || name.endsWith("Norm") || name.endsWith("Scale"), name);
                        assertEquals(ParameterGroup.SCALING_VECTORS, groups.get(name), name);
                    }
                }
                assertEquals(ParameterGroup.INPUT_EMBEDDINGS, group(groups, "embeddings_tokens"));
                assertEquals(ParameterGroup.OUTPUT_EMBEDDINGS, group(groups, "embeddings_output"));
                assertEquals(ParameterGroup.SCALING_VECTORS, group(groups, "embeddings_logitScale"));
                assertEquals(arch == Architecture.LWC ? ParameterGroup.INPUT_EMBEDDINGS : null,
                        group(groups, "embeddings_segments"));
                assertEquals(ParameterGroup.HIDDEN_MATRICES, group(groups, arch == Architecture.LWC
                        ? "layer00_01attention_01qkv_weight" : "decoder00_02crossAttention_01query_weight"));
                assertEquals(model.getBlock().getParameters().size(), groups.size());
            }
        }
    }

    /** The group of the one parameter whose name ends with {@code suffix} (after DJL's index prefix), or null. */
    private static ParameterGroup group(Map<String, ParameterGroup> groups, String suffix) {
        ParameterGroup found = null;
        for (Map.Entry<String, ParameterGroup> e : groups.entrySet()) {
            if (e.getKey().matches("(\\d*)" + suffix) || e.getKey().matches(".*_\\d*" + suffix)) {
                assertEquals(null, found, "one parameter named " + suffix);
                found = e.getValue();
            }
        }
        return found;
    }

    @Test
    void scalingVectorsFollowTheInitScaleTableAndNuGptTransferRules() {
        ModelConfig ngpt = TestModels.config(Architecture.ENCDEC, "mha", Parameterization.NGPT);
        NormalizedScales s = NormalizedScales.of(ngpt);
        double invSqrtD = 1 / Math.sqrt(32);
        assertEquals(0.05, s.alpha().init(), 0);
        assertEquals(invSqrtD, s.alpha().scale(), 1e-15);
        assertEquals(1.0, s.queryKey().init(), 0);
        assertEquals(invSqrtD, s.queryKey().scale(), 1e-15);
        assertEquals(1.0, s.feedForward().init(), 0);
        assertEquals(1.0, s.feedForward().scale(), 0);
        assertEquals(1.0, s.logits().init(), 0);
        assertEquals(invSqrtD, s.logits().scale(), 1e-15);

        ModelConfig base = TestModels.config(Architecture.ENCDEC, "mha", Parameterization.NUGPT);
        // width 32 from a base of 16 (m_width 2), 2 layers from a base of 1 (m_depth 2), then 4× deeper
        ModelConfig wide = base.toBuilder().baseWidth(16).baseDepth(1).build();
        ModelConfig deep = base.toBuilder().baseDepth(1).layers(8).build();
        NormalizedScales b = NormalizedScales.of(base);
        assertEquals(0.05, b.alpha().init(), 0);
        assertEquals(0.03, b.alpha().scale(), 0);
        assertEquals(0.03, b.queryKey().scale(), 0);
        assertEquals(0.03, b.logits().scale(), 0);
        assertEquals(1.0, b.logits().init(), 0);
        assertEquals(0.05 / 2, NormalizedScales.of(wide).alpha().init(), 1e-15, "α init · m_depth^-1");
        assertEquals(Math.sqrt(2), NormalizedScales.of(wide).logits().init(), 1e-15, "s_z init · m_width^1/2");
        assertEquals(0.05 / 8, NormalizedScales.of(deep).alpha().init(), 1e-15, "α init · m_depth^-1");
        assertEquals(1.0, NormalizedScales.of(deep).logits().init(), 0, "same width");
        assertEquals(null, NormalizedScales.of(TestModels.config(Architecture.ENCDEC, "mha")));

        // stored θ starts at s_scale (the model uses θ · init/scale)
        try (Model model = Models.newModel(wide, Device.cpu())) {
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                if (p.getKey().endsWith("Alpha") || p.getKey().endsWith("logitScale") || p.getKey().endsWith("Norm")) {
                    float[] v = p.getValue().getArray().toFloatArray();
                    assertEquals(0.03f, v[0], Tolerance.EXACT, p.getKey());
                    assertEquals(0.03f, v[v.length - 1], Tolerance.EXACT, p.getKey());
                }
            }
        }
    }
}
