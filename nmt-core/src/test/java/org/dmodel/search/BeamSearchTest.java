package org.dmodel.search;

import static org.dmodel.search.SearchFixtures.A;
import static org.dmodel.search.SearchFixtures.B;
import static org.dmodel.search.SearchFixtures.C;
import static org.dmodel.search.SearchFixtures.DOUBLE_ARITHMETIC;
import static org.dmodel.search.SearchFixtures.EOS;
import static org.dmodel.search.SearchFixtures.FLOAT_LOG_PROB;
import static org.dmodel.search.SearchFixtures.RAW;
import static org.dmodel.search.SearchFixtures.V;
import static org.dmodel.search.SearchFixtures.assertSameHypotheses;
import static org.dmodel.search.SearchFixtures.assertTokens;
import static org.dmodel.search.SearchFixtures.tokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.dmodel.engine.Engines;
import org.dmodel.testing.ScriptedModel;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BeamSearchTest {
    private final SearchStrategy beam = new BeamSearch();
    private final SearchStrategy greedy = new GreedySearch();
    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = Engines.pytorch().newBaseManager();
        manager.cap(); // the search may only create arrays in sub-managers
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    private List<Hypothesis> one(SearchStrategy strategy, ScriptedModel model, SearchOptions options) {
        return strategy.search(model, new int[][] {{A, EOS}}, options, manager).get(0);
    }

    /*
     * gardenPath(), raw scores (lenpen 0), beam 2:
     *   step 0: A 0.6, B 0.4 (EOS forbidden by min-len 1)            → beams [A], [B]
     *   step 1: B·EOS 0.36, A·C 0.24, A·D 0.21, A·EOS 0.15, B·C 0.04  → B·EOS is in the top 2: finished;
     *           beams [A, C], [A, D]
     *   step 2: A·C·EOS 0.24, A·D·EOS 0.126, A·D·C 0.084              → A·C·EOS finished; 2 finished: done
     * Best: B (0.36); greedy takes A, then C, then EOS: 0.24.
     */
    @Test
    void beamOfTwoFindsTheSequenceGreedyMisses() {
        ScriptedModel model = SearchFixtures.gardenPath();
        List<Hypothesis> nbest = one(beam, model, RAW.withBeam(2).withNbest(2));
        assertTokens(tokens(B), nbest.get(0));
        assertEquals(Math.log(0.36), nbest.get(0).score(), FLOAT_LOG_PROB);
        assertTokens(tokens(A, C), nbest.get(1));
        assertEquals(Math.log(0.24), nbest.get(1).score(), FLOAT_LOG_PROB);

        List<Hypothesis> greedyBest = one(greedy, model, RAW.withBeam(1));
        assertTokens(tokens(A, C), greedyBest.get(0));
        assertEquals(Math.log(0.24), greedyBest.get(0).score(), FLOAT_LOG_PROB);
    }

    /*
     * Same search with lenpen 1 (score = log p / (tokens + 1)):
     *   B·EOS:   log 0.36 / 2 = −0.5108        A·C·EOS: log 0.24 / 3 = −0.4757   → A·C wins
     */
    @Test
    void lengthPenaltyChangesTheWinner() {
        List<Hypothesis> nbest = one(beam, SearchFixtures.gardenPath(), RAW.withBeam(2).withNbest(2).withLenpen(1));
        assertTokens(tokens(A, C), nbest.get(0));
        assertEquals(Math.log(0.24) / 3, nbest.get(0).score(), FLOAT_LOG_PROB);
        assertEquals(Math.log(0.24), nbest.get(0).rawScore(), FLOAT_LOG_PROB);
        assertTokens(tokens(B), nbest.get(1));
        assertEquals(Math.log(0.36) / 2, nbest.get(1).score(), FLOAT_LOG_PROB);
    }

    /*
     * Beam 3: step 1 candidates B·EOS 0.36, A·C 0.24, A·D 0.21 | A·EOS 0.15, B·C 0.04, ...
     * B·EOS finishes (top 3); A·EOS (4th) does not: fairseq finishes only EOS among the top k.
     * Beams [A, C], [A, D], [B, C]. Step 2: A·C·EOS 0.24, A·D·EOS 0.126, B·C·EOS 0.04 all in the top 3
     * and all finish: B, A·C, A·D, B·C order by score.
     */
    @Test
    void onlyEosAmongTheTopKFinishes() {
        List<Hypothesis> nbest = one(beam, SearchFixtures.gardenPath(), RAW.withBeam(3).withNbest(3));
        assertTokens(tokens(B), nbest.get(0));
        assertTokens(tokens(A, C), nbest.get(1));
        assertTokens(tokens(A, SearchFixtures.D), nbest.get(2));
        assertEquals(Math.log(0.126), nbest.get(2).score(), FLOAT_LOG_PROB);
    }

    @Test
    void beamOfOneEqualsGreedy() {
        ScriptedModel model = SearchFixtures.random(12, 7);
        int[][] sources = SearchFixtures.sources(9, 12);
        for (double lenpen : new double[] {0, 1, 1.7}) {
            SearchOptions options = SearchOptions.DEFAULTS.withBeam(1).withLenpen(lenpen);
            assertSameHypotheses(greedy.search(model, sources, options, manager),
                    beam.search(model, sources, options, manager), DOUBLE_ARITHMETIC);
        }
    }

    @Test
    void nbestIsSortedAndEachScoreIsItsNormalizedPositionalSum() {
        int vocab = 12;
        ScriptedModel model = SearchFixtures.random(vocab, 11);
        ScriptedModel.Script script = ScriptedModel.random(vocab, SpecialIds.DEFAULT, 11);
        int[][] sources = SearchFixtures.sources(6, vocab);
        double lenpen = 1.3;
        List<List<Hypothesis>> nbest = beam.search(model, sources,
                SearchOptions.DEFAULTS.withBeam(5).withNbest(5).withLenpen(lenpen), manager);
        for (int s = 0; s < sources.length; s++) {
            List<Hypothesis> list = nbest.get(s);
            assertEquals(5, list.size());
            for (int i = 0; i < list.size(); i++) {
                Hypothesis h = list.get(i);
                if (i > 0) {
                    assertTrue(list.get(i - 1).score() >= h.score(), "sorted: " + list);
                }
                double sum = 0;
                double[] positional = h.positionalScores();
                int[] out = h.tokens();
                for (int t = 0; t < positional.length; t++) {
                    sum += positional[t];
                    // each position scores what the model gave that token after that prefix
                    float[] logProbs = script.logProbs(sources[s], java.util.Arrays.copyOf(out, t));
                    int token = t < out.length ? out[t] : EOS;
                    assertEquals(logProbs[token], positional[t], FLOAT_LOG_PROB, "sentence " + s + " position " + t);
                }
                assertEquals(h.rawScore(), sum, DOUBLE_ARITHMETIC);
                assertEquals(sum / Math.pow(out.length + 1, lenpen), h.score(), DOUBLE_ARITHMETIC);
            }
        }
    }

    @Test
    void minLengthForbidsAnEarlyEos() {
        // [] → EOS 0.5, A 0.3, B 0.2;  [A] → EOS 0.7, C 0.3;  [B] → EOS 1;  other → EOS 1
        ScriptedModel model = new ScriptedModel(V, SpecialIds.DEFAULT, new ScriptedModel.Table(V)
                .next(new int[] {}, EOS, 0.5, A, 0.3, B, 0.2)
                .next(new int[] {A}, EOS, 0.7, C, 0.3)
                .otherwise(EOS, 1.0));
        for (SearchStrategy strategy : List.of(beam, greedy)) {
            SearchOptions options = RAW.withBeam(strategy == beam ? 2 : 1);
            assertTokens(tokens(), one(strategy, model, options.withMinLen(0)).get(0));
            // min-len 1: A·EOS 0.21 beats B·EOS 0.2
            assertTokens(tokens(A), one(strategy, model, options.withMinLen(1)).get(0));
            // min-len 2: A·C·EOS 0.09 is the only sequence left: B can only continue with the forbidden EOS
            assertTokens(tokens(A, C), one(strategy, model, options.withMinLen(2)).get(0));
        }
    }

    /** A model stuck in a loop: after A comes C (0.6), after anything else A (0.6); A or C 0.3, EOS 0.1 otherwise. */
    private static ScriptedModel looping() {
        ScriptedModel.Table afterA = new ScriptedModel.Table(V).otherwise(C, 0.6, A, 0.3, EOS, 0.1);
        ScriptedModel.Table otherwise = new ScriptedModel.Table(V).otherwise(A, 0.6, C, 0.3, EOS, 0.1);
        return new ScriptedModel(V, SpecialIds.DEFAULT, (source, prefix) ->
                (prefix.length > 0 && prefix[prefix.length - 1] == A ? afterA : otherwise).logProbs(source, prefix));
    }

    @Test
    void noRepeatNgramEndsALoop() {
        for (SearchStrategy strategy : List.of(beam, greedy)) {
            SearchOptions options = RAW.withBeam(strategy == beam ? 2 : 1).withMaxLen(0, 12);
            // without the ban the loop runs to the length limit
            assertEquals(12, one(strategy, looping(), options).get(0).tokens().length);
            // bigrams: A C A, then C is banned after A (A C seen) → A A, then A and C are banned after A → EOS
            assertTokens(tokens(A, C, A, A), one(strategy, looping(), options.withNoRepeatNgramSize(2)).get(0));
        }
    }

    @Test
    void repetitionPenaltyEndsALoop() {
        for (SearchStrategy strategy : List.of(beam, greedy)) {
            SearchOptions options = RAW.withBeam(strategy == beam ? 2 : 1).withMaxLen(0, 12);
            // θ = 5 on seen tokens: after A C, A and C have log-probability 5·log 0.6 and 5·log 0.3 < log 0.1 (EOS)
            assertTokens(tokens(A, C), one(strategy, looping(), options.withRepetitionPenalty(5)).get(0));
        }
    }

    @Test
    void unkPenaltyIsSubtractedFromUnknown() {
        // [] → UNK 0.5, A 0.4, B 0.1; other → EOS 1
        ScriptedModel model = new ScriptedModel(V, SpecialIds.DEFAULT, new ScriptedModel.Table(V)
                .next(new int[] {}, SearchFixtures.UNK, 0.5, A, 0.4, B, 0.1)
                .otherwise(EOS, 1.0));
        for (SearchStrategy strategy : List.of(beam, greedy)) {
            SearchOptions options = RAW.withBeam(strategy == beam ? 2 : 1);
            assertTokens(tokens(SearchFixtures.UNK), one(strategy, model, options).get(0));
            // log 0.5 − 1 = −1.69 < log 0.4 = −0.92
            Hypothesis penalized = one(strategy, model, options.withUnkPenalty(1)).get(0);
            assertTokens(tokens(A), penalized);
            assertEquals(Math.log(0.4), penalized.score(), FLOAT_LOG_PROB);
            // a negative penalty is a bonus: the unk hypothesis scores log 0.5 + 0.25
            Hypothesis favoured = one(strategy, model, options.withUnkPenalty(-0.25)).get(0);
            assertEquals(Math.log(0.5) + 0.25, favoured.score(), FLOAT_LOG_PROB);
        }
    }

    @Test
    void maxLengthForcesEosPerSentence() {
        // every prefix → A 0.6, B 0.3999, EOS 0.0001: EOS never reaches a beam's top k, only the limit stops it
        ScriptedModel model = new ScriptedModel(V, SpecialIds.DEFAULT, new ScriptedModel.Table(V)
                .otherwise(A, 0.6, B, 0.3999, EOS, 0.0001));
        // max length = ⌊1.5 · n + 1⌋ for n source tokens: n = 2 → 4, n = 5 → 8, n = 1 → 2
        int[][] sources = {SearchFixtures.sourceOfLength(2), SearchFixtures.sourceOfLength(5),
                SearchFixtures.sourceOfLength(1)};
        int[] expected = {4, 8, 2};
        for (SearchStrategy strategy : List.of(beam, greedy)) {
            SearchOptions options = RAW.withMaxLen(1.5, 1).withBeam(strategy == beam ? 2 : 1);
            List<List<Hypothesis>> out = strategy.search(model, sources, options, manager);
            for (int s = 0; s < sources.length; s++) {
                Hypothesis best = out.get(s).get(0);
                int[] allA = new int[expected[s]];
                java.util.Arrays.fill(allA, A);
                assertTokens(allA, best);
                assertEquals(expected[s] * Math.log(0.6) + Math.log(0.0001), best.score(), FLOAT_LOG_PROB);
            }
        }
    }

    @Test
    void theModelsPositionsCapTheMaximumLength() {
        // EOS never reaches a beam's top k, as above; the model has positions for n + 1 output tokens only
        ScriptedModel scripted = new ScriptedModel(V, SpecialIds.DEFAULT, new ScriptedModel.Table(V)
                .otherwise(A, 0.6, B, 0.3999, EOS, 0.0001));
        StepModel capped = new StepModel() {
            @Override
            public DecoderState encode(int[][] sources, int beamSize, NDManager m) {
                return scripted.encode(sources, beamSize, m);
            }

            @Override
            public ai.djl.ndarray.NDArray step(DecoderState state, int[] lastTokens, NDManager stepManager) {
                return scripted.step(state, lastTokens, stepManager);
            }

            @Override
            public int vocabSize() {
                return scripted.vocabSize();
            }

            @Override
            public int maxOutputLength(int sourceLength) {
                return sourceLength + 1;
            }
        };
        int[][] sources = {SearchFixtures.sourceOfLength(2), SearchFixtures.sourceOfLength(5)};
        int[] expected = {3, 6}; // the options allow 200
        for (SearchStrategy strategy : List.of(beam, greedy)) {
            SearchOptions options = RAW.withMaxLen(0, 200).withBeam(strategy == beam ? 2 : 1);
            List<List<Hypothesis>> out = strategy.search(capped, sources, options, manager);
            for (int s = 0; s < sources.length; s++) {
                int[] allA = new int[expected[s]];
                java.util.Arrays.fill(allA, A);
                assertTokens(allA, out.get(s).get(0));
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> beam.search(capped,
                new int[][] {SearchFixtures.sourceOfLength(2)}, RAW.withMaxLen(0, 200).withMinLen(4), manager));
        assertTrue(e.getMessage().contains("--min-len 4 exceeds the 3 output tokens the model's positions allow"),
                e.getMessage());
    }

    @Test
    void minLengthAboveMaxLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> beam.search(
                SearchFixtures.gardenPath(), new int[][] {{A, EOS}}, RAW.withMaxLen(0, 3).withMinLen(4), manager));
        assertTrue(e.getMessage().contains("--min-len 4"), e.getMessage());
    }

    @Test
    void anEmptyBatchGivesNoHypotheses() {
        assertEquals(List.of(), beam.search(SearchFixtures.gardenPath(), new int[0][], RAW, manager));
    }
}
