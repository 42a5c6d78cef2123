package org.dmodel.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.dmodel.testing.ScriptedModel;
import org.dmodel.text.SpecialIds;

/** Vocabulary, toy models and assertions shared by the search tests. */
final class SearchFixtures {
    /** V for the hand-written models: pad 0, unk 1, bos 2, eos 3, then four words. */
    static final int V = 8;

    static final int UNK = 1;
    static final int EOS = 3;
    static final int A = 4;
    static final int B = 5;
    static final int C = 6;
    static final int D = 7;

    /**
     * Scores are float32 log-probabilities summed in float32 (as fairseq does): a hand-computed float64 log of a
     * product of up to ~10 factors differs by a few float32 ulps of numbers below 20.
     */
    static final double FLOAT_LOG_PROB = 1e-5;

    /** Sums and quotients of the same float64 numbers in a different order. */
    static final double DOUBLE_ARITHMETIC = 1e-12;

    /** fairseq's defaults with raw-sum ranking: hand computations stay products of probabilities. */
    static final SearchOptions RAW = SearchOptions.DEFAULTS.withLenpen(0);

    private SearchFixtures() {}

    /**
     * A model where greedy search is not optimal and the length penalty decides the winner (hand computation in
     * {@code BeamSearchTest}):
     * <pre>
     *   []     → A 0.6, B 0.4            [A] → C 0.4, D 0.35, EOS 0.25
     *   [B]    → EOS 0.9, C 0.1          [A, D] → EOS 0.6, C 0.4
     *   other  → EOS 1.0
     * </pre>
     */
    static ScriptedModel gardenPath() {
        return new ScriptedModel(V, SpecialIds.DEFAULT, new ScriptedModel.Table(V)
                .next(new int[] {}, A, 0.6, B, 0.4)
                .next(new int[] {A}, C, 0.4, D, 0.35, EOS, 0.25)
                .next(new int[] {B}, EOS, 0.9, C, 0.1)
                .next(new int[] {A, D}, EOS, 0.6, C, 0.4)
                .otherwise(EOS, 1.0));
    }

    /** A pseudo-random model over {@code vocab} tokens (see {@link ScriptedModel#random}). */
    static ScriptedModel random(int vocab, long seed) {
        return new ScriptedModel(vocab, SpecialIds.DEFAULT, ScriptedModel.random(vocab, SpecialIds.DEFAULT, seed));
    }

    /** {@code count} distinct sources of different lengths, each ending with EOS, over a vocabulary of {@code vocab}. */
    static int[][] sources(int count, int vocab) {
        int[][] sources = new int[count][];
        for (int s = 0; s < count; s++) {
            sources[s] = new int[2 + s % 5];
            for (int i = 0; i < sources[s].length - 1; i++) {
                sources[s][i] = 4 + (7 * s + 3 * i) % (vocab - 4);
            }
            sources[s][sources[s].length - 1] = EOS;
        }
        return sources;
    }

    /** A source of {@code length} tokens, EOS included. */
    static int[] sourceOfLength(int length) {
        int[] source = new int[length];
        java.util.Arrays.fill(source, A);
        source[length - 1] = EOS;
        return source;
    }

    static int[] tokens(int... ids) {
        return ids;
    }

    static void assertTokens(int[] expected, Hypothesis actual) {
        assertArrayEquals(expected, actual.tokens(), () -> "tokens of " + actual);
    }

    /** Same tokens, and scores equal within {@code tolerance}. */
    static void assertSameHypotheses(List<List<Hypothesis>> expected, List<List<Hypothesis>> actual,
            double tolerance) {
        assertEquals(expected.size(), actual.size(), "sentences");
        for (int s = 0; s < expected.size(); s++) {
            assertEquals(expected.get(s).size(), actual.get(s).size(), "hypotheses of sentence " + s);
            for (int i = 0; i < expected.get(s).size(); i++) {
                Hypothesis e = expected.get(s).get(i);
                Hypothesis a = actual.get(s).get(i);
                String where = "sentence " + s + " hypothesis " + i;
                assertArrayEquals(e.tokens(), a.tokens(), where);
                assertEquals(e.score(), a.score(), tolerance, where);
                assertEquals(e.rawScore(), a.rawScore(), tolerance, where);
                assertArrayEquals(e.positionalScores(), a.positionalScores(), tolerance, where);
            }
        }
    }
}
