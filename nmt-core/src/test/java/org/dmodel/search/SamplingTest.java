package org.dmodel.search;

import static org.dmodel.search.SearchFixtures.A;
import static org.dmodel.search.SearchFixtures.B;
import static org.dmodel.search.SearchFixtures.DOUBLE_ARITHMETIC;
import static org.dmodel.search.SearchFixtures.EOS;
import static org.dmodel.search.SearchFixtures.V;
import static org.dmodel.search.SearchFixtures.assertSameHypotheses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dmodel.engine.Engines;
import org.dmodel.testing.ScriptedModel;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SamplingTest {
    private static final int VOCAB = 12;
    private static final SearchOptions SAMPLING = SearchOptions.DEFAULTS.withSampling(true).withBeam(1);

    private final SearchStrategy sampling = new Sampling();
    private final SearchStrategy greedy = new GreedySearch();
    private final ScriptedModel model = SearchFixtures.random(VOCAB, 13);
    private final int[][] sources = SearchFixtures.sources(10, VOCAB);
    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = Engines.pytorch().newBaseManager();
        manager.cap();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    @Test
    void theSameSeedGivesTheSameSamples() {
        SearchOptions options = SAMPLING.withBeam(3).withNbest(3).withSeed(42);
        List<List<Hypothesis>> first = sampling.search(model, sources, options, manager);
        assertSameHypotheses(first, sampling.search(model, sources, options, manager), 0.0);
        assertNotEquals(tokenLists(first), tokenLists(sampling.search(model, sources, options.withSeed(43), manager)),
                "another seed draws other samples");
    }

    @Test
    void aSentenceGetsTheSameSamplesInAnyBatch() {
        SearchOptions options = SAMPLING.withBeam(3).withNbest(2).withTopP(0.9).withTemperature(1.5);
        List<List<Hypothesis>> batched = sampling.search(model, sources, options, manager);
        List<List<Hypothesis>> alone = new ArrayList<>();
        for (int s = sources.length - 1; s >= 0; s--) {
            alone.add(0, sampling.search(model, new int[][] {sources[s]}, options, manager).get(0));
        }
        assertSameHypotheses(alone, batched, 0.0);
    }

    @Test
    void topKOfOneIsGreedy() {
        assertSameHypotheses(greedy.search(model, sources, SearchOptions.DEFAULTS.withBeam(1), manager),
                sampling.search(model, sources, SAMPLING.withTopK(1), manager), DOUBLE_ARITHMETIC);
    }

    @Test
    void aTinyTopPIsGreedy() {
        assertSameHypotheses(greedy.search(model, sources, SearchOptions.DEFAULTS.withBeam(1), manager),
                sampling.search(model, sources, SAMPLING.withTopP(1e-6), manager), DOUBLE_ARITHMETIC);
    }

    @Test
    void aLowTemperatureIsGreedy() {
        // the closest runner-up on these greedy paths trails by 0.0019 in log-probability: at T = 1e-5 its
        // chance is exp(−193). Samples are scored by the untempered log-probabilities, so the scores match too.
        assertSameHypotheses(greedy.search(model, sources, SearchOptions.DEFAULTS.withBeam(1), manager),
                sampling.search(model, sources, SAMPLING.withTemperature(1e-5), manager), DOUBLE_ARITHMETIC);
    }

    /*
     * [] → A 0.6, B 0.4; then EOS. 2000 samples of one sentence: the count of A is Binomial(2000, 0.6),
     * mean 1200, standard deviation 21.9; ±5 σ = ±110. With top-k 1 or top-p 0.5 (A alone reaches 0.5)
     * only A is ever drawn; with top-p 0.7 both are kept.
     */
    @Test
    void drawsFollowTheRestrictedDistribution() {
        ScriptedModel twoWords = new ScriptedModel(V, SpecialIds.DEFAULT, new ScriptedModel.Table(V)
                .next(new int[] {}, A, 0.6, B, 0.4)
                .otherwise(EOS, 1.0));
        SearchOptions many = SAMPLING.withBeam(2000).withNbest(2000).withSeed(7);
        assertEquals(1200, countFirst(twoWords, many, A), 110);
        assertEquals(1200, countFirst(twoWords, many.withTopP(0.7), A), 110);
        assertEquals(2000, countFirst(twoWords, many.withTopK(1), A));
        assertEquals(2000, countFirst(twoWords, many.withTopP(0.5), A));
        // temperature 4 flattens 0.6 : 0.4 to 0.6^¼ : 0.4^¼ = 0.5253 : 0.4747 → mean 1051, σ 22.3; ignoring the
        // temperature (1200) or applying its inverse (0.6⁴ : 0.4⁴ → 1670) falls outside ±5 σ
        assertEquals(1051, countFirst(twoWords, many.withTemperature(4), A), 111);
    }

    /*
     * A nearly flat first step over V = 300: token t (4 ≤ t < 300) has probability ∝ 1 + t/1000. The top-p 0.5
     * nucleus (computed here in float64) holds about 150 tokens, more than the 128 that are sorted first, so
     * the search must fall back to the full sort; every draw must fall inside the nucleus.
     */
    @Test
    void aWideNucleusIsDrawnFromInFull() {
        int vocab = 300;
        double[] pairs = new double[2 * (vocab - 4)];
        double total = 0;
        for (int t = 4; t < vocab; t++) {
            total += 1 + t / 1000.0;
        }
        for (int t = 4; t < vocab; t++) {
            pairs[2 * (t - 4)] = t;
            pairs[2 * (t - 4) + 1] = (1 + t / 1000.0) / total;
        }
        ScriptedModel flat = new ScriptedModel(vocab, SpecialIds.DEFAULT, new ScriptedModel.Table(vocab)
                .next(new int[] {}, pairs)
                .otherwise(EOS, 1.0));
        int smallestInside = vocab;
        double before = 0;
        for (int t = vocab - 1; t >= 4 && before < 0.5; t--) {
            smallestInside = t;
            before += (1 + t / 1000.0) / total;
        }
        List<Hypothesis> samples = sampling.search(flat, new int[][] {{A, EOS}},
                SAMPLING.withBeam(2000).withNbest(2000).withTopP(0.5), manager).get(0);
        int lowest = samples.stream().mapToInt(h -> h.tokens()[0]).min().orElseThrow();
        long distinct = samples.stream().mapToInt(h -> h.tokens()[0]).distinct().count();
        assertTrue(lowest >= smallestInside, "drew " + lowest + " outside the nucleus [" + smallestInside + ", 300)");
        assertTrue(distinct > 128, "drew from " + distinct + " tokens: the nucleus was cut to the first 128");
    }

    @Test
    void samplesAreRankedLikeBeamHypotheses() {
        double lenpen = 0.7;
        List<List<Hypothesis>> out = sampling.search(model, sources,
                SAMPLING.withBeam(6).withNbest(6).withLenpen(lenpen), manager);
        for (List<Hypothesis> samples : out) {
            assertEquals(6, samples.size());
            for (int i = 0; i < samples.size(); i++) {
                Hypothesis h = samples.get(i);
                assertTrue(i == 0 || samples.get(i - 1).score() >= h.score(), "sorted: " + samples);
                double sum = Arrays.stream(h.positionalScores()).sum();
                assertEquals(h.rawScore(), sum, DOUBLE_ARITHMETIC);
                assertEquals(sum / Math.pow(h.lengthWithEos(), lenpen), h.score(), DOUBLE_ARITHMETIC);
            }
        }
    }

    private int countFirst(ScriptedModel twoWords, SearchOptions options, int token) {
        List<Hypothesis> samples = sampling.search(twoWords, new int[][] {{A, EOS}}, options, manager).get(0);
        assertEquals(options.nbest(), samples.size());
        return (int) samples.stream().filter(h -> h.tokens()[0] == token).count();
    }

    private static List<List<List<Integer>>> tokenLists(List<List<Hypothesis>> results) {
        return results.stream()
                .map(list -> list.stream().map(h -> Arrays.stream(h.tokens()).boxed().toList()).toList())
                .toList();
    }
}
