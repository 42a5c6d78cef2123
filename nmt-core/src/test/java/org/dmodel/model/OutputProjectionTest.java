package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PG-OP (papers.md §4): at initialization the gated output projection is exactly the standard one. */
class OutputProjectionTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"LWC, mha", "LWC, tpa:3/2/2", "ENCDEC, gqa:2", "ENCDEC, tpa-kv:2/1;mqa"})
    void pgOpAtInitGivesTheStandardProjectionsOutputs(Architecture arch, String specs) {
        ModelConfig standard = TestModels.config(arch, specs);
        ModelConfig gated = standard.toBuilder().outputProjection(ModelConfig.OutputProjection.PG_OP).build();
        Random random = new Random(3);
        int[][] src = TestModels.sources(random, 4, 6);
        int[][] tgt = TestModels.targets(random, src.length, 5);
        try (Model a = Models.newModel(standard, Device.cpu()); Model b = Models.newModel(gated, Device.cpu());
                NDManager m = NDManager.newBaseManager()) {
            int copied = 0;
            for (Pair<String, Parameter> p : b.getBlock().getParameters()) {
                Parameter same = a.getBlock().getParameters().get(p.getKey());
                if (same != null) {
                    p.getValue().getArray().set(same.getArray().toFloatArray());
                    copied++;
                } else {
                    assertTrue(p.getKey().contains("outputGate"), "only the gates are new: " + p.getKey());
                }
            }
            assertTrue(copied == a.getBlock().getParameters().size(), "every standard parameter exists in PG-OP");
            float[] expected = logits(Models.block(a), m, src, tgt).toFloatArray();
            float[] got = logits(Models.block(b), m, src, tgt).toFloatArray();
            assertArrayEquals(expected, got, 0f, "2·sigmoid(0) = 1 exactly, so the outputs are bit-identical");
            // The gates are live parameters: moving them changes the output.
            for (Pair<String, Parameter> p : b.getBlock().getParameters()) {
                if (p.getKey().contains("outputGate")) {
                    NDArray w = p.getValue().getArray();
                    w.set(m.randomNormal(0, 1, w.getShape(), w.getDataType()).toFloatArray());
                }
            }
            assertTrue(NdAssert.maxAbsDiff(m.create(expected), logits(Models.block(b), m, src, tgt).flatten()) > 1e-3);
        }
    }

    private static NDArray logits(Seq2SeqModel block, NDManager m, int[][] src, int[][] tgt) {
        int s = TestModels.maxLength(src);
        int t = TestModels.maxLength(tgt);
        NDArray source = m.create(TestModels.padded(src, s), new Shape(src.length, s));
        NDArray target = m.create(TestModels.padded(tgt, t), new Shape(tgt.length, t));
        return block.logits(new ParameterStore(m, false), source, target, false);
    }
}
