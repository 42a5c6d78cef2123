package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.config.ModelConfig.OutputProjection;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.dmodel.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Seq2SeqModel#probe} records the normal forward pass and does not change it: its logits equal
 * {@link Seq2SeqModel#logits}; the recorded final states times the tied embedding matrix reproduce the logits; each
 * attention sublayer's recorded residual update equals Σ_h o_h W_O^(h)ᵀ + b_O from the recorded head outputs and
 * W_O (with PG-OP's gates folded into o_h); recorded probabilities are a distribution over exactly the visible keys.
 */
class ProbeTest {
    static Stream<Arguments> models() {
        return Stream.of(Arguments.of(Architecture.LWC, "gqa:2", OutputProjection.STANDARD),
                Arguments.of(Architecture.LWC, "tpa:3/2/2", OutputProjection.STANDARD),
                Arguments.of(Architecture.LWC, "mha", OutputProjection.PG_OP),
                Arguments.of(Architecture.ENCDEC, "mha", OutputProjection.STANDARD));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("models")
    void probedPassReproducesTheNormalLogitsAndItsOwnSublayers(Architecture arch, String spec, OutputProjection output) {
        ModelConfig c = TestModels.config(arch, spec).toBuilder().outputProjection(output).build();
        Random random = new Random(5);
        int[][] src = TestModels.sources(random, 6, 3, 5);
        int[][] tgt = TestModels.targets(random, 3, 4);
        tgt[1] = new int[] {tgt[1][0], tgt[1][1]}; // a padded target row
        TestModels.seed(3);
        try (Model model = Models.newModel(c, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
            randomizeGates(model, random); // PG-OP gates start at g = 1; make them matter
            model.getNDManager().cap();
            Seq2SeqModel block = Models.block(model);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray source = m.create(TestModels.padded(src, 6), new Shape(3, 6));
            NDArray target = m.create(TestModels.padded(tgt, 4), new Shape(3, 4));
            NDArray logits = block.logits(ps, source, target, false); // (B, T, V)
            Probe probe = new Probe();
            NDArray probed = block.probe(ps, source, target, probe);
            NdAssert.assertClose(logits, probed, 0.0, "probed vs normal logits");

            Probe.Tensor fin = probe.finalStates(); // (B, T, d)
            NDArray states = m.create(fin.data(), new Shape(fin.shape()));
            NDArray embeddings = parameter(m, model, "embeddings_tokens"); // (V, d), tied
            NdAssert.assertClose(logits, states.matMul(embeddings.transpose()), Tolerance.IDENTITY,
                    "final states × Eᵀ vs logits");

            List<Probe.Stack> stacks = probe.stacks();
            assertEquals(arch == Architecture.LWC ? List.of(Probe.Stack.JOINT)
                    : List.of(Probe.Stack.ENCODER, Probe.Stack.DECODER), stacks);
            for (Probe.Stack stack : stacks) {
                assertEquals(c.layers(), probe.layers(stack).size());
                for (int l = 0; l < c.layers(); l++) {
                    Probe.Layer layer = probe.layers(stack).get(l);
                    String prefix = (arch == Architecture.LWC ? "layer" : stack == Probe.Stack.ENCODER ? "encoder" : "decoder")
                            + String.format("%02d_", l);
                    List<String> points = List.copyOf(layer.states().keySet());
                    for (int i = 1; i < points.size() - 1; i++) { // every attention sublayer (the last point is the FFN)
                        String module = points.get(i);
                        checkAttention(m, layer, points.get(i - 1), module, parameter(m, model, prefix + module + "_output_bias"),
                                stack + " layer " + l + " " + module);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("normalized")
    void probeLeavesNormalizedModelsUnchanged(Architecture arch, ModelConfig.Parameterization param) {
        ModelConfig c = TestModels.config(arch, "gqa:2", param);
        Random random = new Random(6);
        int[][] src = TestModels.sources(random, 5, 4);
        int[][] tgt = TestModels.targets(random, 2, 3);
        TestModels.seed(4);
        try (Model model = Models.newModel(c, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
            model.getNDManager().cap();
            Seq2SeqModel block = Models.block(model);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray source = m.create(TestModels.padded(src, 5), new Shape(2, 5));
            NDArray target = m.create(TestModels.padded(tgt, 3), new Shape(2, 3));
            Probe probe = new Probe();
            NdAssert.assertClose(block.logits(ps, source, target, false), block.probe(ps, source, target, probe), 0.0,
                    param + ": probed vs normal logits");
            for (Probe.Stack stack : probe.stacks()) {
                for (Probe.Layer layer : probe.layers(stack)) {
                    assertEquals(List.of(c.dModel(), c.heads() * c.headDim()), List.of(
                            (int) layer.attentions().values().iterator().next().outputWeight().shape()[0],
                            (int) layer.attentions().values().iterator().next().outputWeight().shape()[1]), "W_O (d, h·d_h)");
                }
            }
        }
    }

    static Stream<Arguments> normalized() {
        return Stream.of(Arguments.of(Architecture.LWC, ModelConfig.Parameterization.NGPT),
                Arguments.of(Architecture.ENCDEC, ModelConfig.Parameterization.NUGPT));
    }

    /** Pre-norm, no dropout: state(after) − state(before) = Σ_h o_h W_O^(h)ᵀ + b_O; probabilities sum to 1 over visible keys. */
    private static void checkAttention(NDManager m, Probe.Layer layer, String before, String module, NDArray bias, String what) {
        Probe.Heads heads = layer.attentions().get(module);
        NDArray o = tensor(m, heads.headOutputs()); // (B, h, n, d_h)
        NDArray w = tensor(m, heads.outputWeight()); // (d, h·d_h)
        long b = o.getShape().get(0);
        long n = o.getShape().get(2);
        NDArray merged = o.transpose(0, 2, 1, 3).reshape(b, n, -1); // (B, n, h·d_h)
        NDArray update = merged.matMul(w.transpose()).add(bias); // (B, n, d)
        NDArray delta = tensor(m, layer.states().get(module)).sub(tensor(m, layer.states().get(before)));
        NdAssert.assertClose(delta, update, Tolerance.IDENTITY, what + ": residual update from o_h and W_O");

        NDArray p = tensor(m, heads.probabilities()); // (B, h, n, t)
        NDArray visible = tensor(m, heads.visible()).expandDims(1); // (B, 1, n, t)
        NDArray ones = m.ones(new Shape(b, p.getShape().get(1), n));
        NdAssert.assertClose(ones, p.mul(visible).sum(new int[] {3}), Tolerance.EXACT, what + ": mass on visible keys");
        assertTrue(p.mul(visible.neg().add(1)).abs().max().getFloat() == 0f, what + ": hidden keys get exactly 0");
    }

    private static void randomizeGates(Model model, Random random) {
        for (Pair<String, Parameter> e : model.getBlock().getParameters()) {
            if (e.getKey().contains("outputGate")) {
                NDArray a = e.getValue().getArray();
                float[] v = new float[(int) a.size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextGaussian();
                }
                a.set(v);
            }
        }
    }

    private static NDArray tensor(NDManager m, Probe.Tensor t) {
        return m.create(t.data(), new Shape(t.shape()));
    }

    /** A copy in {@code m} of the parameter named {@code name} (DJL's child indices dropped). */
    private static NDArray parameter(NDManager m, Model model, String name) {
        for (Pair<String, Parameter> e : model.getBlock().getParameters()) {
            if (e.getKey().replaceAll("(^|_)\\d\\d(?=[a-z])", "$1").equals(name)) {
                NDArray a = e.getValue().getArray();
                return m.create(a.toFloatArray(), a.getShape());
            }
        }
        throw new AssertionError("no parameter " + name);
    }
}
