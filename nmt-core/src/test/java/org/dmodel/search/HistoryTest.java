package org.dmodel.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HistoryTest {
    @Test
    void finishFollowsTheBackPointersThroughReordersAndPrunes() {
        History history = new History();
        // step 0: rows [7], [8]
        history.append(new int[] {7, 8}, new int[] {0, 0}, new double[] {-1, -2});
        // step 1: both rows continue old row 1 ([8]); then a sentence was dropped, so one row per entry is fine
        history.append(new int[] {4, 5}, new int[] {1, 1}, new double[] {-2.5, -3});
        // step 2: row 0 continues row 1 ([8, 5])
        history.append(new int[] {6}, new int[] {1}, new double[] {-3.25});
        Hypothesis h = history.finish(0, -4.0, new LengthPenalty(1.0));
        assertArrayEquals(new int[] {8, 5, 6}, h.tokens());
        assertArrayEquals(new double[] {-2, -1, -0.25, -0.75}, h.positionalScores(), 0.0);
        assertEquals(-4.0, h.rawScore());
        assertEquals(-1.0, h.score()); // −4 / (3 tokens + EOS)
    }

    @Test
    void finishingAtTheFirstStepGivesTheEmptyOutput() {
        Hypothesis h = new History().finish(0, -0.5, new LengthPenalty(2.0));
        assertArrayEquals(new int[0], h.tokens());
        assertArrayEquals(new double[] {-0.5}, h.positionalScores(), 0.0);
        assertEquals(-0.5, h.score());
    }
}
