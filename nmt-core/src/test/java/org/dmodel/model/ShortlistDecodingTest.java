package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.lexicon.Lexicon;
import org.dmodel.search.Hypothesis;
import org.dmodel.search.SearchOptions;
import org.dmodel.search.SearchStrategies;
import org.dmodel.search.Shortlist;
import org.dmodel.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding over a lexical shortlist: the restricted output layer gives the same hypotheses as the whole vocabulary
 * when the shortlist holds every piece, a sentence only ever produces its own shortlist, and a sentence decodes the
 * same in a batch as alone (its own shortlist masks the batch's union).
 */
class ShortlistDecodingTest {
    private static final int V = TestModels.VOCAB;

    static List<Arguments> models() {
        return List.of(
                Arguments.of(TestModels.config(Architecture.ENCDEC, "mha")),
                Arguments.of(TestModels.config(Architecture.LWC, "tpa:2/1/2")),
                Arguments.of(TestModels.config(Architecture.ENCDEC, "gqa:2", ModelConfig.Parameterization.NGPT)));
    }

    /** Source id s translates to 4 + (3s mod 36) and 4 + (3s + 1 mod 36); nothing is frequent. */
    static Lexicon lexicon() {
        int[][] translations = new int[V][];
        float[][] probabilities = new float[V][];
        for (int s = 0; s < V; s++) {
            translations[s] = new int[] {4 + (3 * s) % (V - 4), 4 + (3 * s + 1) % (V - 4)};
            probabilities[s] = new float[] {0.6f, 0.4f};
        }
        return new Lexicon(new int[0], new float[0], translations, probabilities);
    }

    /** Every piece frequent: the shortlist is the whole vocabulary, decoded through the restricted output layer. */
    private static Shortlist everything() {
        int[] all = new int[V];
        float[] prior = new float[V];
        for (int t = 0; t < V; t++) {
            all[t] = t;
            prior[t] = 1f / V;
        }
        return new Shortlist(new Lexicon(all, prior, new int[V][0], new float[V][0]), V, 0, TestModels.IDS, V, false);
    }

    static List<List<Hypothesis>> decode(Model model, int[][] sources, SearchOptions options) {
        try (NDManager m = NDManager.newBaseManager()) {
            return SearchStrategies.forOptions(options).search((Seq2SeqModel) model.getBlock(), sources, options, m);
        }
    }

    static SearchOptions options(int beam) {
        return SearchOptions.DEFAULTS.withBeam(beam).withNbest(beam).withMaxLen(0, 8).withSpecialIds(TestModels.IDS);
    }

    @ParameterizedTest
    @MethodSource("models")
    void aShortlistOfEveryPieceDecodesAsTheWholeVocabulary(ModelConfig config) {
        TestModels.seed(3);
        int[][] sources = TestModels.sources(new Random(5), 6, 3, 5);
        try (Model model = Models.newModel(config, Device.cpu())) {
            for (SearchOptions options : List.of(options(1), options(3), options(2).withSampling(true))) {
                List<List<Hypothesis>> whole = decode(model, sources, options);
                List<List<Hypothesis>> listed = decode(model, sources, options.withShortlist(everything()));
                assertSameHypotheses(whole, listed, options.toString());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void eachSentenceProducesOnlyItsShortlistAndDecodesAsAlone(ModelConfig config) {
        TestModels.seed(4);
        int[][] sources = TestModels.sources(new Random(6), 5, 2, 7, 4);
        Shortlist shortlist = new Shortlist(lexicon(), 0, 2, TestModels.IDS, V, false);
        try (Model model = Models.newModel(config, Device.cpu())) {
            for (SearchOptions options : List.of(options(3), options(2).withSampling(true))) {
                assertOnlyShortlistedAndAsAlone(model, sources, options.withShortlist(shortlist), shortlist);
            }
        }
    }

    private static void assertOnlyShortlistedAndAsAlone(Model model, int[][] sources, SearchOptions options,
                                                        Shortlist shortlist) {
        List<List<Hypothesis>> batched = decode(model, sources, options);
        for (int i = 0; i < sources.length; i++) {
            int[] allowed = shortlist.tokens(sources[i]);
            for (Hypothesis h : batched.get(i)) {
                for (int token : h.tokens()) {
                    assertTrue(Arrays.binarySearch(allowed, token) >= 0, "sentence " + i + " produced " + token
                            + " outside its shortlist " + Arrays.toString(allowed) + " (" + options + ")");
                }
            }
            assertSameHypotheses(decode(model, new int[][] {sources[i]}, options), List.of(batched.get(i)),
                    "sentence " + i + " alone (" + options + ")");
        }
    }

    static void assertSameHypotheses(List<List<Hypothesis>> expected, List<List<Hypothesis>> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).size(), actual.get(i).size(), what + ", sentence " + i);
            for (int j = 0; j < expected.get(i).size(); j++) {
                Hypothesis e = expected.get(i).get(j);
                Hypothesis a = actual.get(i).get(j);
                assertArrayEquals(e.tokens(), a.tokens(), what + ", sentence " + i + ", hypothesis " + j);
                assertEquals(e.score(), a.score(), 1e-4, what + ", sentence " + i + ", hypothesis " + j);
            }
        }
    }
}
