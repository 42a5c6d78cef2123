package org.dmodel.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dmodel.engine.Engines;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogitsProcessorTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;
    private static final int V = 6; // pad 0, unk 1, bos 2, eos 3, words 4 and 5

    private NDManager manager;

    @BeforeEach
    void openManager() {
        manager = Engines.pytorch().newBaseManager();
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    private NDArray flat(int rows) {
        return manager.create(new float[rows * V], new Shape(rows, V)); // (rows, V) all zero
    }

    private DecodingStep step(int position, int beamSize, int... maxLengths) {
        return new DecodingStep(position, beamSize, maxLengths, r -> new int[position], VocabularySubset.all(V), manager);
    }

    /** A step whose rows (one sentence each, beam 1) have produced {@code prefixes}. */
    private DecodingStep stepAfter(int[]... prefixes) {
        return stepAfter(VocabularySubset.all(V), prefixes);
    }

    /** As {@link #stepAfter(int[]...)}, with the log-probabilities' columns being {@code vocabulary}'s. */
    private DecodingStep stepAfter(VocabularySubset vocabulary, int[]... prefixes) {
        int[] limits = new int[prefixes.length];
        java.util.Arrays.fill(limits, 100);
        return new DecodingStep(prefixes[0].length, 1, limits, r -> prefixes[r].clone(), vocabulary, manager);
    }

    @Test
    void processorsAddressAShortlistByColumnAndSkipTokensItLacks() {
        // columns 0..4 stand for tokens 0, 1, 2, 3, 5: token 4 is not in the batch's shortlist
        VocabularySubset subset = VocabularySubset.of(V, new int[][] {{0, 1, 2, 3, 5}});
        NDArray logProbs = manager.create(new float[5], new Shape(1, 5));
        // 4 5 4 5: bigram (5, 4) seen, last token 5 → 4 banned (absent: nothing); unigrams: 4 absent, 5 is column 4
        assertArrayEquals(new float[5], new NoRepeatNgram(2).apply(logProbs, stepAfter(subset, new int[] {4, 5, 4, 5}))
                .toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 0, NEG_INF}, new NoRepeatNgram(1).apply(logProbs,
                stepAfter(subset, new int[] {4, 5})).toFloatArray());
        float[] biased = new TokenBias(SpecialIds.DEFAULT, 2.5, subset, manager)
                .apply(manager.create(new float[5], new Shape(1, 5)), stepAfter(subset, new int[] {5})).toFloatArray();
        assertArrayEquals(new float[] {NEG_INF, -2.5f, NEG_INF, 0, 0}, biased);
    }

    @Test
    void noRepeatNgramBansTheTokensThatWouldRepeatAnNgram() {
        // row 0: 4 5 4 → bigram (4, 5) seen, last token 4: 5 is banned; row 1: 5 5 → (5, 5) seen: 5 banned
        float[] out = new NoRepeatNgram(2).apply(flat(2), stepAfter(new int[] {4, 5, 4}, new int[] {1, 5, 5}))
                .toFloatArray();
        assertArrayEquals(concat(new float[] {0, 0, 0, 0, 0, NEG_INF}, new float[] {0, 0, 0, 0, 0, NEG_INF}), out);
        // trigrams: 4 5 4 5 → (4, 5, 4) seen, context (4, 5) at the end → 4 banned; nothing else
        float[] tri = new NoRepeatNgram(3).apply(flat(1), stepAfter(new int[] {4, 5, 4, 5})).toFloatArray();
        assertArrayEquals(new float[] {0, 0, 0, 0, NEG_INF, 0}, tri);
        // no repeated context: nothing changes
        NDArray untouched = flat(1);
        new NoRepeatNgram(2).apply(untouched, stepAfter(new int[] {4, 5, 1}));
        assertArrayEquals(new float[V], untouched.toFloatArray());
    }

    @Test
    void noRepeatUnigramBansEveryTokenProduced() {
        float[] out = new NoRepeatNgram(1).apply(flat(1), stepAfter(new int[] {5, 1})).toFloatArray();
        assertArrayEquals(new float[] {0, NEG_INF, 0, 0, 0, NEG_INF}, out);
    }

    @Test
    void repetitionPenaltyScalesTheLogProbabilitiesOfTokensAlreadyProduced() {
        NDArray logProbs = manager.create(new float[] {-1, -2, -3, -4, -5, -6, -1, -2, -3, -4, -5, NEG_INF},
                new Shape(2, V));
        float[] out = new RepetitionPenalty(1.5).apply(logProbs, stepAfter(new int[] {4, 4, 1}, new int[] {5, 2, 2}))
                .toFloatArray();
        assertArrayEquals(new float[] {-1, -3, -3, -4, -7.5f, -6, -1, -2, -4.5f, -4, -5, NEG_INF}, out);
    }

    @Test
    void tokenBiasForbidsPadAndBosAndPenalizesUnk() {
        TokenBias bias = new TokenBias(SpecialIds.DEFAULT, 2.5, VocabularySubset.all(V), manager);
        float[] out = bias.apply(flat(2), step(0, 1, 10, 10)).toFloatArray();
        float[] row = {NEG_INF, -2.5f, NEG_INF, 0, 0, 0};
        assertArrayEquals(concat(row, row), out);
    }

    @Test
    void tokenBiasRejectsIdsOutsideTheVocabulary() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBias(SpecialIds.DEFAULT, 0, VocabularySubset.all(3), manager));
    }

    @Test
    void minLengthForbidsEosOnlyBeforeTheMinimum() {
        MinLength min = new MinLength(2, 3, V, manager);
        float[] forbidden = {0, 0, 0, NEG_INF, 0, 0};
        assertArrayEquals(forbidden, min.apply(flat(1), step(1, 1, 10)).toFloatArray());
        NDArray later = flat(1);
        assertSame(later, min.apply(later, step(2, 1, 10)));
    }

    @Test
    void maxLengthForcesEosOnlyForSentencesAtTheirLimit() {
        MaxLength max = new MaxLength(3, V, manager);
        float[] free = {0, 0, 0, 0, 0, 0};
        float[] forced = {NEG_INF, NEG_INF, NEG_INF, 0, NEG_INF, NEG_INF};
        // 3 sentences × 2 rows; only the middle one is at its limit 4
        assertArrayEquals(concat(free, free, forced, forced, free, free),
                max.apply(flat(6), step(4, 2, 7, 4, 9)).toFloatArray());
        assertArrayEquals(concat(forced, forced), max.apply(flat(2), step(4, 2, 4)).toFloatArray());
        NDArray before = flat(2);
        assertSame(before, max.apply(before, step(3, 2, 4)));
    }

    private static float[] concat(float[]... rows) {
        float[] out = new float[rows.length * V];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * V, V);
        }
        return out;
    }
}
