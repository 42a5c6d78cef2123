package org.dmodel.search;

import static org.dmodel.search.SearchFixtures.assertSameHypotheses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dmodel.engine.Engines;
import org.dmodel.testing.ScriptedModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour every {@link SearchStrategy} shares, run for each one (CTranslate2 parameterizes the same way). */
class SearchStrategyContractTest {
    private static final int VOCAB = 12;

    private NDManager manager;

    static Stream<SearchOptions> strategies() {
        SearchOptions base = SearchOptions.DEFAULTS.withMaxLen(1.0, 3).withMinLen(2);
        return Stream.of(
                base.withBeam(4).withNbest(3),
                base.withBeam(1),
                base.withSampling(true).withBeam(3).withNbest(2).withTopK(5).withTopP(0.95).withSeed(9));
    }

    @BeforeEach
    void openManager() {
        manager = Engines.pytorch().newBaseManager();
        manager.cap(); // arrays only in the search's own sub-managers
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aBatchDecodesEachSentenceAsAlone(SearchOptions options) {
        ScriptedModel model = SearchFixtures.random(VOCAB, 5);
        int[][] sources = SearchFixtures.sources(11, VOCAB);
        SearchStrategy strategy = SearchStrategies.forOptions(options);
        List<List<Hypothesis>> batched = strategy.search(model, sources, options, manager);

        List<Integer> rows = model.rowsPerStep();
        assertTrue(rows.get(rows.size() - 1) < rows.get(0), "finished sentences leave the batch: " + rows);
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i) <= rows.get(i - 1), "rows never grow: " + rows);
        }
        List<List<Hypothesis>> alone = new ArrayList<>();
        for (int[] source : sources) {
            alone.add(strategy.search(model, new int[][] {source}, options, manager).get(0));
        }
        assertSameHypotheses(alone, batched, 0.0);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void outputsRespectTheOptions(SearchOptions options) {
        ScriptedModel model = SearchFixtures.random(VOCAB, 8);
        int[][] sources = SearchFixtures.sources(9, VOCAB);
        List<List<Hypothesis>> out = SearchStrategies.forOptions(options).search(model, sources, options, manager);
        assertEquals(sources.length, out.size());
        for (int s = 0; s < sources.length; s++) {
            List<Hypothesis> list = out.get(s);
            assertEquals(options.nbest(), list.size());
            for (int i = 0; i < list.size(); i++) {
                Hypothesis h = list.get(i);
                assertTrue(i == 0 || list.get(i - 1).score() >= h.score(), "best first: " + list);
                int length = h.tokens().length;
                assertTrue(length >= options.minLen() && length <= options.maxLength(sources[s].length),
                        "length within [min-len, max length]: " + h);
                for (int token : h.tokens()) {
                    assertTrue(token != options.specialIds().pad() && token != options.specialIds().bos()
                            && token != options.specialIds().eos(), "no pad, BOS or EOS inside: " + h);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void theSearchLeavesNoArraysAndClosesTheState(SearchOptions options) {
        ScriptedModel model = SearchFixtures.random(VOCAB, 3);
        SearchStrategies.forOptions(options).search(model, SearchFixtures.sources(5, VOCAB), options, manager);
        assertEquals(0, model.openStates(), "state closed");
        assertEquals(List.of(), manager.getManagedArrays(), "no arrays left behind");
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aFailingModelStillLeavesNothingOpen(SearchOptions options) {
        ScriptedModel scripted = SearchFixtures.random(VOCAB, 3);
        StepModel failing = new StepModel() {
            @Override
            public DecoderState encode(int[][] sources, int beamSize, NDManager parent) {
                return scripted.encode(sources, beamSize, parent);
            }

            @Override
            public NDArray step(DecoderState state, int[] lastTokens, NDManager stepManager) {
                if (state.length() == 2) {
                    throw new IllegalStateException("model failure at step 2");
                }
                return scripted.step(state, lastTokens, stepManager);
            }

            @Override
            public int vocabSize() {
                return VOCAB;
            }
        };
        assertThrows(IllegalStateException.class, () -> SearchStrategies.forOptions(options)
                .search(failing, SearchFixtures.sources(5, VOCAB), options, manager));
        assertEquals(0, scripted.openStates(), "state closed");
        assertEquals(List.of(), manager.getManagedArrays(), "no arrays left behind");
    }
}
