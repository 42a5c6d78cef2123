package org.dmodel.metric;

/**
 * The random draws of {@code numpy.random.default_rng(seed).choice(n, size=(k, n))}, which sacreBLEU uses
 * for bootstrap resampling, and of {@code integers(2, size=..., dtype=bool)}, its approximate randomization's
 * coin flips, reproduced so that our resamples are the very ones sacreBLEU draws: numpy's
 * {@code SeedSequence} (pool of four 32-bit words, hash-mixed) seeds a PCG64 generator (128-bit LCG with
 * XSL-RR output), whose 64-bit outputs are split into two 32-bit halves (low first) and mapped to
 * {@code [0, n)} by Lemire's multiply-and-reject method. Checked against numpy 2.4 in the tests. Not
 * thread-safe.
 */
final class NumpyRandom {
    private static final int MASK32_BITS = 32;
    private static final long MULT_HI = 2549297995355413924L;
    private static final long MULT_LO = 4865540595714422341L;

    private long stateHi;
    private long stateLo;
    private final long incHi;
    private final long incLo;
    private boolean hasHalf;
    private int half;

    /** numpy's {@code default_rng(seed)} for a seed in [0, 2^32). */
    NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("seed must be in [0, 2^32), got " + seed);
        }
        long[] words = seedSequence((int) seed);
        long initHi = words[0];
        long initLo = words[1];
        long seqHi = words[2];
        long seqLo = words[3];
        // inc = (initseq << 1) | 1
        incHi = (seqHi << 1) | (seqLo >>> 63);
        incLo = (seqLo << 1) | 1L;
        stateHi = 0;
        stateLo = 0;
        step();
        long lo = stateLo + initLo;
        stateHi = stateHi + initHi + (Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0);
        stateLo = lo;
        step();
    }

    /** One draw of {@code integers(0, n)} as {@code choice} makes it (n &lt;= 2^32). */
    int below(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("n must be positive, got " + n);
        }
        long rng = n - 1L;
        if (rng == 0) {
            return 0;
        }
        long excl = rng + 1;
        long m = (nextInt() & 0xFFFFFFFFL) * excl;
        long leftover = m & 0xFFFFFFFFL;
        if (leftover < excl) {
            long threshold = (0xFFFFFFFFL - rng) % excl;
            while (leftover < threshold) {
                m = (nextInt() & 0xFFFFFFFFL) * excl;
                leftover = m & 0xFFFFFFFFL;
            }
        }
        return (int) (m >>> MASK32_BITS);
    }

    /**
     * {@code count} draws of {@code integers(2, size=count, dtype=bool)}, as sacreBLEU's approximate
     * randomization makes them: numpy takes one 32-bit word per 32 draws and uses its bits low first.
     */
    boolean[] bits(int count) {
        boolean[] out = new boolean[count];
        int word = 0;
        int left = 0;
        for (int i = 0; i < count; i++) {
            if (left == 0) {
                word = nextInt();
                left = 31;
            } else {
                word >>>= 1;
                left--;
            }
            out[i] = (word & 1) != 0;
        }
        return out;
    }

    /** The next 64-bit output (numpy's {@code random_raw}). */
    long nextLong() {
        step();
        long x = stateHi ^ stateLo;
        return Long.rotateRight(x, (int) (stateHi >>> 58));
    }

    private int nextInt() {
        if (hasHalf) {
            hasHalf = false;
            return half;
        }
        long v = nextLong();
        hasHalf = true;
        half = (int) (v >>> 32);
        return (int) v;
    }

    /** state = state · multiplier + inc (mod 2^128). */
    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateHi * MULT_LO + stateLo * MULT_HI;
        long sumLo = lo + incLo;
        stateHi = hi + incHi + (Long.compareUnsigned(sumLo, lo) < 0 ? 1 : 0);
        stateLo = sumLo;
    }

    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** numpy's {@code SeedSequence(seed).generate_state(4, uint64)} for a one-word entropy. */
    private static long[] seedSequence(int entropy) {
        int[] hashConst = {0x43b0d7e5};
        int[] pool = new int[4];
        pool[0] = hashMix(entropy, hashConst);
        for (int i = 1; i < 4; i++) {
            pool[i] = hashMix(0, hashConst);
        }
        for (int src = 0; src < 4; src++) {
            for (int dst = 0; dst < 4; dst++) {
                if (src != dst) {
                    pool[dst] = mix(pool[dst], hashMix(pool[src], hashConst));
                }
            }
        }
        int h = 0x8b51f9dd;
        int[] out = new int[8];
        for (int i = 0; i < 8; i++) {
            int v = pool[i % 4] ^ h;
            h *= 0x58f38ded;
            v *= h;
            v ^= v >>> 16;
            out[i] = v;
        }
        long[] words = new long[4];
        for (int i = 0; i < 4; i++) {
            words[i] = (out[2 * i] & 0xFFFFFFFFL) | ((long) out[2 * i + 1] << 32);
        }
        return words;
    }

    private static int hashMix(int value, int[] hashConst) {
        int v = value ^ hashConst[0];
        hashConst[0] *= 0x931e8875;
        v *= hashConst[0];
        return v ^ (v >>> 16);
    }

    private static int mix(int x, int y) {
        int r = 0xca01f9dd * x - 0x4973f715 * y;
        return r ^ (r >>> 16);
    }
}
