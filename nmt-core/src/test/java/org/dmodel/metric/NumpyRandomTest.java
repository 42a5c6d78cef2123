package org.dmodel.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Reference values printed by numpy 2.4: {@code PCG64(12345).random_raw(3)}, {@code default_rng(12345).choice(...)}. */
class NumpyRandomTest {
    @Test
    void rawOutputsEqualNumpysPcg64() {
        NumpyRandom rng = new NumpyRandom(12345);
        assertEquals(Long.parseUnsignedLong("4193609425186963869"), rng.nextLong());
        assertEquals(Long.parseUnsignedLong("5843160025838961886"), rng.nextLong());
        assertEquals(Long.parseUnsignedLong("14708796524633321433"), rng.nextLong());
    }

    @Test
    void choiceEqualsNumpys() {
        // np.random.default_rng(12345).choice(37, size=(2, 5))
        assertArrayEquals(new int[][] {{25, 8, 29, 11, 7}, {29, 23, 25, 36, 14}}, choice(37, 2, 5));
    }

    @Test
    void bootstrapResamplesAreSacrebleus() {
        // np.random.default_rng(12345).choice(5, size=(2, 5)): sacreBLEU's first two resamples of 5 segments
        assertArrayEquals(new int[][] {{3, 1, 3, 1, 1}, {3, 3, 3, 4, 1}}, PairedBootstrap.resampleIndices(5, 2, 12345));
    }

    private static int[][] choice(int n, int rows, int cols) {
        NumpyRandom rng = new NumpyRandom(12345);
        int[][] out = new int[rows][cols];
        for (int[] row : out) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.below(n);
            }
        }
        return out;
    }
}
