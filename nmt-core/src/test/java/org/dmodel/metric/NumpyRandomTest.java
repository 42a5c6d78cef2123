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

    @Test
    void coinFlipsEqualNumpysAndTheStreamGoesOn() {
        // r = np.random.default_rng(12345); r.integers(2, size=(2, 20), dtype=bool); then r.choice(7, size=5)
        NumpyRandom rng = new NumpyRandom(12345);
        StringBuilder bits = new StringBuilder();
        for (boolean b : rng.bits(40)) {
            bits.append(b ? '1' : '0');
        }
        assertEquals("1011100110000011111111110100110110110001", bits.toString());
        int[] next = new int[5];
        for (int j = 0; j < next.length; j++) {
            next[j] = rng.below(7);
        }
        assertArrayEquals(new int[] {5, 2, 1, 5, 4}, next);
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
