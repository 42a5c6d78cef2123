package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.Engines;
import org.dmodel.search.DecoderState;
import org.dmodel.search.SearchOptions;
import org.dmodel.search.SearchStrategies;
import org.dmodel.search.StepModel;
import org.dmodel.testing.NdAssert;
import org.dmodel.testing.TestModels;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a decode leaves behind, step by step, for every attention type and both architectures, with parameters that
 * require gradients (as during training) and in a fresh thread (whose libtorch grad mode starts on): no array a
 * step makes records an autograd graph, and the arrays held between steps (parameters, constants, the decoding state)
 * stay the same number from the second step on: nothing a step makes piles up in a longer-lived manager.
 */
class DecodingResourcesTest {
    /** Counts the arrays held under {@code root} before each step and those of each step that require a gradient. */
    private static final class Watched implements StepModel {
        private final Seq2SeqModel model;
        private final NDManager root;
        final List<Integer> heldBeforeStep = new ArrayList<>();
        int stepArrays;
        int withGradient; // arrays that recorded an autograd graph

        Watched(Seq2SeqModel model, NDManager root) {
            this.model = model;
            this.root = root;
        }

        @Override
        public DecoderState encode(int[][] sources, int beamSize, NDManager manager) {
            return model.encode(sources, beamSize, manager);
        }

        @Override
        public NDArray step(DecoderState state, int[] lastTokens, NDManager stepManager) {
            heldBeforeStep.add(root.getManagedArrays().size());
            NDArray out = model.step(state, lastTokens, stepManager);
            for (NDArray a : stepManager.getManagedArrays()) {
                stepArrays++;
                withGradient += NdAssert.recordsGraph(a) ? 1 : 0;
            }
            return out;
        }

        @Override
        public int vocabSize() {
            return model.vocabSize();
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} beam {3}")
    @CsvSource({"ENCDEC, mha, STANDARD, 3", "ENCDEC, gqa:2, STANDARD, 3", "ENCDEC, tpa:2/1/2, STANDARD, 3",
        "ENCDEC, tpa-kv:2/1, STANDARD, 1", "LWC, mha, STANDARD, 3", "LWC, gqa:2, STANDARD, 1",
        "LWC, tpa:2/1/2, STANDARD, 3", "LWC, tpa-kv:2/1, STANDARD, 3", "ENCDEC, tpa:2/1/2, NUGPT, 3",
        "LWC, tpa:2/1/2, NGPT, 3"})
    @Timeout(60)
    void stepsHoldNoGraphAndNothingPilesUp(ModelConfig.Architecture arch, String attention,
                                          ModelConfig.Parameterization param, int beam) throws Exception {
        TestModels.seed(3);
        int steps = 12;
        try (Model model = Models.newModel(TestModels.config(arch, attention, param), Device.cpu())) {
            assertTrue(model.getBlock().getParameters().get(0).getValue().getArray().hasGradient(),
                    "a freshly built model's parameters require gradients");
            Watched watched = new Watched(Models.block(model), model.getNDManager());
            SearchOptions options = SearchOptions.DEFAULTS.withBeam(beam).withSpecialIds(TestModels.IDS)
                    .withMinLen(steps - 1).withMaxLen(0, steps - 1).withNbest(beam);
            int[][] sources = TestModels.sources(new Random(5), 7, 4, 9);
            // a new thread: libtorch's grad mode is on there unless the search turns it off
            CompletableFuture.runAsync(() -> {
                assertTrue(Engines.gradientsOn(), "grad mode starts on in a new thread");
                try (NDManager m = model.getNDManager().newSubManager()) {
                    SearchStrategies.forOptions(options).search(watched, sources, options, m);
                }
                assertTrue(Engines.gradientsOn(), "the search restores the thread's grad mode");
            }, runnable -> new Thread(runnable, "decoder").start()).get(50, TimeUnit.SECONDS);

            assertEquals(steps, watched.heldBeforeStep.size(), "steps run");
            assertTrue(watched.stepArrays > 0);
            assertEquals(0, watched.withGradient, "arrays of decode steps that recorded an autograd graph");
            List<Integer> fromSecond = watched.heldBeforeStep.subList(1, steps);
            assertEquals(List.of(fromSecond.get(0)), fromSecond.stream().distinct().toList(),
                    "arrays held before each step: " + watched.heldBeforeStep);
            assertFalse(model.getNDManager().getManagedArrays().isEmpty());
        }
    }
}
