package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.dmodel.attention.AttentionCache;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.config.ModelConfig.OutputProjection;
import org.dmodel.config.ModelConfig.Parameterization;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.dmodel.testing.Tolerance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every attention spec, mixed per-layer stack and architecture must keep (style.md §7):
 * incremental decoding equals the full forward pass, causality, padding invariance, cache sizes equal
 * papers.md §2.2, and reorder/keep act exactly like recomputing the reordered prefixes. Every case runs for the
 * standard parameterization; every spec and stack also for ngpt and nugpt (papers.md §3); a mixed stack also with
 * PG-OP's output gates (papers.md §4), standard and ngpt.
 */
class AttentionContractTest {
    private static final int[] SOURCE_LENGTHS = {5, 2, 7};
    private static final int T = 5;

    static Stream<Arguments> models() {
        List<Arguments> cases = new ArrayList<>();
        String[] specs = {"mha", "mqa", "gqa:2", "tpa:3/2/2", "tpa-kv:2/1", "tpa:2/1/2;gqa:2;mha"};
        for (Architecture arch : Architecture.values()) {
            for (String spec : specs) {
                for (Parameterization param : Parameterization.values()) {
                    cases.add(Arguments.of(arch, spec, null, ModelConfig.Norm.PRE, param, OutputProjection.STANDARD));
                }
            }
            cases.add(Arguments.of(arch, "gqa:2", ModelConfig.Positions.LEARNED, ModelConfig.Norm.POST,
                    Parameterization.STANDARD, OutputProjection.STANDARD));
            cases.add(Arguments.of(arch, "tpa:3/2/2", arch == Architecture.LWC
                    ? ModelConfig.Positions.SINUSOIDAL : ModelConfig.Positions.ROPE, ModelConfig.Norm.PRE,
                    Parameterization.STANDARD, OutputProjection.STANDARD));
            for (Parameterization param : List.of(Parameterization.STANDARD, Parameterization.NGPT)) {
                cases.add(Arguments.of(arch, "tpa:2/1/2;gqa:2;mha", null, ModelConfig.Norm.PRE, param,
                        OutputProjection.PG_OP));
            }
        }
        return cases.stream();
    }

    private static ModelConfig config(Architecture arch, String specs, ModelConfig.Positions positions,
                                      ModelConfig.Norm norm, Parameterization param, OutputProjection output) {
        ModelConfig c = TestModels.config(arch, specs, param);
        ModelConfig.Builder b = c.toBuilder().positions(positions != null ? positions : c.positions()).norm(norm)
                .outputProjection(output);
        // nugpt cases transfer from a base of half the width and depth, so the scales differ from nGPT's
        return (param == Parameterization.NUGPT ? b.baseWidth(c.dModel() / 2).baseDepth(1) : b).build();
    }

    /**
     * A seeded, initialized model with a capped parameter manager (a stray attachment fails at once). PG-OP gates,
     * zero at init, get random weights so that they take part in the contract.
     */
    private static Model model(ModelConfig c) {
        TestModels.seed(11);
        Model model = Models.newModel(c, Device.cpu());
        Random random = new Random(5);
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            if (p.getKey().contains("outputGate")) {
                float[] w = new float[(int) p.getValue().getArray().size()];
                for (int i = 0; i < w.length; i++) {
                    w[i] = (float) random.nextGaussian();
                }
                p.getValue().getArray().set(w);
            }
        }
        model.getNDManager().cap();
        return model;
    }

    /** Full-forward log-probabilities (B, T, V). */
    private static NDArray full(Seq2SeqModel block, NDManager m, int[][] src, int[][] tgt) {
        int s = TestModels.maxLength(src);
        int t = TestModels.maxLength(tgt);
        NDArray source = m.create(TestModels.padded(src, s), new Shape(src.length, s));
        NDArray target = m.create(TestModels.padded(tgt, t), new Shape(tgt.length, t));
        return block.logits(new ParameterStore(m, false), source, target, false).logSoftmax(-1);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} {5}")
    @MethodSource("models")
    void incrementalDecodingMatchesFullForward(Architecture arch, String specs, ModelConfig.Positions positions,
                                               ModelConfig.Norm norm, Parameterization param, OutputProjection output) {
        ModelConfig c = config(arch, specs, positions, norm, param, output);
        Random random = new Random(1);
        int[][] src = TestModels.sources(random, SOURCE_LENGTHS);
        int[][] tgt = TestModels.targets(random, src.length, T);
        tgt[1] = java.util.Arrays.copyOf(tgt[1], 3); // target padding in the batch
        int beam = 2;
        try (Model model = model(c); NDManager m = NDManager.newBaseManager()) {
            Seq2SeqModel block = Models.block(model);
            NDArray expected = full(block, m, src, tgt); // (B, T, V)
            try (LayerCaches state = (LayerCaches) block.encode(src, beam, m)) {
                for (int t = 0; t < T; t++) {
                    int[] tokens = new int[src.length * beam];
                    for (int r = 0; r < tokens.length; r++) {
                        int[] y = tgt[r / beam];
                        tokens[r] = t < y.length ? y[t] : TestModels.IDS.eos();
                    }
                    try (NDManager step = m.newSubManager()) {
                        NDArray got = block.step(state, tokens, step); // (B·k, V)
                        assertEquals(step, got.getManager(), "step output belongs to the step manager");
                        for (int r = 0; r < tokens.length; r++) {
                            if (t < tgt[r / beam].length) {
                                NdAssert.assertClose(expected.get(r / beam, t), got.get(r), Tolerance.PATH,
                                        c.architecture() + " " + specs + " row " + r + " step " + t);
                            }
                        }
                    }
                }
                assertCacheBytes(c, state, src, beam, T);
            }
        }
    }

    /** Actual cache bytes = 4 · Σ_l e_l · (positions), e_l per papers.md §2.2. */
    private static void assertCacheBytes(ModelConfig c, LayerCaches state, int[][] src, int beam, int steps) {
        int s = TestModels.maxLength(src);
        long perToken = ModelSummary.of(c).get("cacheElementsPerToken").getAsLong();
        long expected;
        if (c.architecture() == Architecture.LWC) {
            expected = 4 * perToken * ((long) src.length * s + (long) src.length * beam * steps);
        } else {
            long cross = ModelSummary.of(c).get("crossCacheElementsPerSourceToken").getAsLong();
            expected = 4 * (perToken * src.length * beam * steps + cross * src.length * s);
        }
        assertEquals(expected, state.cacheBytes(), "cache bytes vs papers.md §2.2 formula");
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} {5}")
    @MethodSource("models")
    void futureTargetTokensAndSourcePaddingChangeNothing(Architecture arch, String specs,
                                                          ModelConfig.Positions positions, ModelConfig.Norm norm,
                                                          Parameterization param, OutputProjection output) {
        ModelConfig c = config(arch, specs, positions, norm, param, output);
        Random random = new Random(2);
        int[][] src = TestModels.sources(random, SOURCE_LENGTHS);
        int[][] tgt = TestModels.targets(random, src.length, T);
        try (Model model = model(c); NDManager m = NDManager.newBaseManager()) {
            Seq2SeqModel block = Models.block(model);
            NDArray base = full(block, m, src, tgt);
            int[][] changed = new int[tgt.length][];
            for (int i = 0; i < tgt.length; i++) {
                changed[i] = tgt[i].clone();
                changed[i][3] = 4 + (tgt[i][3] - 4 + 7) % (TestModels.VOCAB - 4);
            }
            NDArray after = full(block, m, src, changed);
            NdAssert.assertClose(base.get(":, :3"), after.get(":, :3"), Tolerance.EXACT, "outputs before the changed token");
            assertTrue(NdAssert.maxAbsDiff(base.get(":, 3:"), after.get(":, 3:")) > 1e-3, "the change is visible later");

            // Two extra padding columns in the source: nothing changes.
            int s = TestModels.maxLength(src) + 2;
            NDArray source = m.create(TestModels.padded(src, s), new Shape(src.length, s));
            NDArray target = m.create(TestModels.padded(tgt, T), new Shape(tgt.length, T));
            NDArray padded = block.logits(new ParameterStore(m, false), source, target, false).logSoftmax(-1);
            NdAssert.assertClose(base, padded, Tolerance.IDENTITY, "extra source padding (other shapes reorder float sums)");
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} {5}")
    @MethodSource("models")
    void reorderAndKeepEqualRecomputation(Architecture arch, String specs, ModelConfig.Positions positions,
                                          ModelConfig.Norm norm, Parameterization param, OutputProjection output) {
        ModelConfig c = config(arch, specs, positions, norm, param, output);
        Random random = new Random(3);
        int[][] src = TestModels.sources(random, SOURCE_LENGTHS);
        int beam = 2;
        int rows = src.length * beam;
        int[][] prefixes = new int[rows][3]; // row r: BOS, a, b
        for (int r = 0; r < rows; r++) {
            prefixes[r] = new int[] {TestModels.IDS.bos(), 4 + random.nextInt(30), 4 + random.nextInt(30)};
        }
        int[] origins = {1, 1, 2, 3, 5, 4};
        int[] last = {7, 8, 9, 10, 11, 12};
        try (Model model = model(c); NDManager m = NDManager.newBaseManager()) {
            Seq2SeqModel block = Models.block(model);
            // Decode three prefixes, reorder, keep sentences 0 and 2, step once more.
            NDArray got;
            try (LayerCaches state = (LayerCaches) block.encode(src, beam, m)) {
                for (int t = 0; t < 3; t++) {
                    int[] tokens = new int[rows];
                    for (int r = 0; r < rows; r++) {
                        tokens[r] = prefixes[r][t];
                    }
                    try (NDManager step = m.newSubManager()) {
                        block.step(state, tokens, step);
                    }
                }
                long before = state.cacheBytes();
                state.reorder(new int[] {0, 1, 2, 3, 4, 5});
                assertEquals(before, state.cacheBytes(), "identity reorder");
                state.reorder(origins);
                state.keep(new int[] {0, 2});
                assertEquals(2, state.liveSentences());
                got = block.step(state, new int[] {last[0], last[1], last[4], last[5]}, m);
            }
            // Recompute: sentences 0 and 2 only, prefixes taken from the rows' origins.
            int[][] keptSources = {src[0], src[2]};
            int[] keptRows = {0, 1, 4, 5};
            NDArray expected;
            try (LayerCaches fresh = (LayerCaches) block.encode(keptSources, beam, m)) {
                for (int t = 0; t < 4; t++) {
                    int[] tokens = new int[keptRows.length];
                    for (int i = 0; i < keptRows.length; i++) {
                        tokens[i] = t < 3 ? prefixes[origins[keptRows[i]]][t] : last[keptRows[i]];
                    }
                    NDArray lp = block.step(fresh, tokens, m);
                    if (t == 3) {
                        expected = lp;
                        NdAssert.assertClose(expected, got, Tolerance.PATH, "reorder + keep vs recomputation");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} {5}")
    @MethodSource("models")
    void identityReorderIsANoOp(Architecture arch, String specs, ModelConfig.Positions positions, ModelConfig.Norm norm,
                                Parameterization param, OutputProjection output) {
        ModelConfig c = config(arch, specs, positions, norm, param, output);
        int[][] src = TestModels.sources(new Random(4), SOURCE_LENGTHS);
        int beam = 2;
        try (Model model = model(c); NDManager m = NDManager.newBaseManager()) {
            Seq2SeqModel block = Models.block(model);
            NDArray[] outs = new NDArray[2];
            for (int run = 0; run < 2; run++) {
                try (LayerCaches state = (LayerCaches) block.encode(src, beam, m)) {
                    int[] bos = new int[src.length * beam];
                    java.util.Arrays.fill(bos, TestModels.IDS.bos());
                    block.step(state, bos, m);
                    if (run == 1) {
                        int[] identity = new int[bos.length];
                        for (int r = 0; r < identity.length; r++) {
                            identity[r] = r;
                        }
                        state.reorder(identity);
                    }
                    int[] next = new int[bos.length];
                    java.util.Arrays.fill(next, 9);
                    outs[run] = block.step(state, next, m);
                }
            }
            NdAssert.assertClose(outs[0], outs[1], Tolerance.EXACT, "identity reorder");
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} {4} {5}")
    @MethodSource("models")
    void cacheElementsMatchPapersFormula(Architecture arch, String specs, ModelConfig.Positions positions,
                                         ModelConfig.Norm norm, Parameterization param, OutputProjection output) {
        ModelConfig c = config(arch, specs, positions, norm, param, output);
        try (Model model = model(c); NDManager m = NDManager.newBaseManager();
             LayerCaches state = (LayerCaches) Models.block(model).encode(TestModels.sources(new Random(5), 3), 1, m)) {
            long dh = c.headDim();
            long h = c.heads();
            for (int l = 0; l < c.layers(); l++) {
                org.dmodel.config.AttentionSpec spec = c.attention().get(l);
                long formula = spec instanceof org.dmodel.config.AttentionSpec.Tpa tp ? (tp.rankK() + tp.rankV()) * (h + dh)
                        : spec instanceof org.dmodel.config.AttentionSpec.Gqa g ? 2 * g.kvHeads() * dh : 2 * h * dh;
                assertEquals(formula, ModelSummary.of(c).getAsJsonArray("layers").get(l).getAsJsonObject()
                        .get("cacheElementsPerToken").getAsLong(), "layer " + l);
            }
            for (AttentionCache cache : state.caches()) {
                assertTrue(cache.bytes() > 0 || arch == Architecture.ENCDEC, "source part present");
            }
        }
    }
}
