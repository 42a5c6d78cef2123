package org.dmodel.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.dmodel.lexicon.Lexicon;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.Test;

/** Which pieces a shortlist allows, and how a batch's columns map to tokens. */
class ShortlistTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    /** Vocabulary of 12: frequent 9, 7, 5; source 4 → 10, 8, 11; source 5 → 6. */
    private static Lexicon lexicon() {
        int[][] translations = new int[12][0];
        float[][] probabilities = new float[12][0];
        translations[4] = new int[] {10, 8, 11};
        probabilities[4] = new float[] {0.5f, 0.3f, 0.2f};
        translations[5] = new int[] {6};
        probabilities[5] = new float[] {0.9f};
        return new Lexicon(new int[] {9, 7, 5}, new float[] {0.3f, 0.2f, 0.1f}, translations, probabilities);
    }

    @Test
    void aSentenceMayProduceTheSpecialsTheMostFrequentPiecesAndTheBestTranslationsOfItsSource() {
        Shortlist shortlist = new Shortlist(lexicon(), 2, 2, SpecialIds.DEFAULT, 12, false);
        assertArrayEquals(new int[] {0, 1, 2, 3, 7, 8, 9, 10}, shortlist.tokens(new int[] {4, 3}));
        assertArrayEquals(new int[] {0, 1, 2, 3, 6, 7, 8, 9, 10}, shortlist.tokens(new int[] {5, 4, 4, 3}));
        assertArrayEquals(new int[] {0, 1, 2, 3}, new Shortlist(lexicon(), 0, 0, SpecialIds.DEFAULT, 12, false)
                .tokens(new int[] {4, 5}));
        assertThrows(IllegalArgumentException.class, () -> shortlist.tokens(new int[] {12}));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 7, 8, 9, 10, 11}, new Shortlist(lexicon(), 2, 2, SpecialIds.DEFAULT,
                12, true).tokens(new int[] {4, 11, 3}), "a joint vocabulary also copies the source pieces");
        assertThrows(IllegalArgumentException.class, () -> new Shortlist(lexicon(), 2, 2, SpecialIds.DEFAULT, 10, false));
    }

    @Test
    void aBatchDecodesOverTheUnionAndMasksWhatASentenceMayNotProduce() {
        Shortlist shortlist = new Shortlist(lexicon(), 1, 1, SpecialIds.DEFAULT, 12, false);
        VocabularySubset subset = shortlist.subset(new int[][] {{4, 3}, {5, 3}});
        // sentence 0: 0 1 2 3 9 10; sentence 1: 0 1 2 3 6 9 → union 0 1 2 3 6 9 10
        assertEquals(7, subset.size());
        assertEquals(10, subset.token(6));
        assertEquals(4, subset.column(6));
        assertEquals(-1, subset.column(7));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray mask = subset.sentenceMask(m);
            assertArrayEquals(new long[] {2, 1, 7}, mask.getShape().getShape());
            assertArrayEquals(new float[] {0, 0, 0, 0, NEG_INF, 0, 0, 0, 0, 0, 0, 0, 0, NEG_INF}, mask.toFloatArray());
            assertNull(shortlist.subset(new int[][] {{4, 3}, {4, 3}}).sentenceMask(m), "equal sentences need no mask");
            assertNull(VocabularySubset.all(12).sentenceMask(m));
        }
        VocabularySubset all = VocabularySubset.all(12);
        assertTrue(all.isAll());
        assertEquals(7, all.column(7));
        assertEquals(-1, all.column(12));
    }
}
