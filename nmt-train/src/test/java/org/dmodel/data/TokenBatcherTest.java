package org.dmodel.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.dmodel.cli.UsageException;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Vocabularies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenBatcherTest {
    private static final int PAIRS = 5000;
    private static final int MAX_TOKENS = 1024;
    private static int[] sourceLengths;
    private static int[] targetLengths;

    @BeforeAll
    static void lengths() {
        // skewed like real corpora: mostly short, a long tail up to 200 tokens
        Random random = new Random(11);
        sourceLengths = new int[PAIRS];
        targetLengths = new int[PAIRS];
        for (int i = 0; i < PAIRS; i++) {
            sourceLengths[i] = (int) Math.min(200, Math.abs(random.nextGaussian()) * 30);
            targetLengths[i] = Math.max(0, sourceLengths[i] + random.nextInt(11) - 5);
        }
    }

    /** The size the class doc defines: B · max(max(s) + 1, max(t) + 1). */
    private static long paddedSize(int[] batch) {
        int longest = 0;
        for (int i : batch) {
            longest = Math.max(longest, Math.max(sourceLengths[i], targetLengths[i]) + 1);
        }
        return (long) batch.length * longest;
    }

    private static List<int[]> epoch(TokenBatcher batcher, int epoch, int start) {
        List<int[]> batches = new ArrayList<>();
        batcher.epoch(epoch, start).forEachRemaining(batches::add);
        return batches;
    }

    @Test
    void batchesNeverExceedMaxTokensAndAreFull() {
        TokenBatcher batcher = new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 1);
        for (int b = 0; b < batcher.batchCount(); b++) {
            int[] batch = batcher.batch(b);
            assertTrue(paddedSize(batch) <= MAX_TOKENS, "batch " + b + " has " + paddedSize(batch));
            if (b + 1 < batcher.batchCount()) {
                int[] grown = Arrays.copyOf(batch, batch.length + 1);
                grown[batch.length] = batcher.batch(b + 1)[0];
                assertTrue(paddedSize(grown) > MAX_TOKENS, "batch " + b + " could have taken the next pair");
            }
        }
    }

    @Test
    void batchesAreLengthBuckets() {
        TokenBatcher batcher = new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 1);
        int previousLongest = 0;
        for (int b = 0; b < batcher.batchCount(); b++) {
            int shortest = Integer.MAX_VALUE;
            int longest = 0;
            for (int i : batcher.batch(b)) {
                int length = Math.max(sourceLengths[i], targetLengths[i]);
                shortest = Math.min(shortest, length);
                longest = Math.max(longest, length);
            }
            assertTrue(shortest >= previousLongest, "batch " + b + " overlaps the lengths of batch " + (b - 1));
            previousLongest = longest;
        }
    }

    @Test
    void everyPairAppearsExactlyOncePerEpoch() {
        TokenBatcher batcher = new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 3);
        assertEquals(PAIRS, batcher.pairCount());
        for (int epoch = 1; epoch <= 3; epoch++) {
            int[] seen = new int[PAIRS];
            List<int[]> batches = epoch(batcher, epoch, 0);
            assertEquals(batcher.batchCount(), batches.size());
            for (int[] batch : batches) {
                for (int i : batch) {
                    seen[i]++;
                }
            }
            for (int i = 0; i < PAIRS; i++) {
                assertEquals(1, seen[i], "pair " + i + " in epoch " + epoch);
            }
        }
    }

    @Test
    void sameSeedGivesSameBatchesAndEpochsShuffleTheirOrder() {
        TokenBatcher a = new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 5);
        TokenBatcher b = new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 5);
        List<int[]> first = epoch(a, 2, 0);
        List<int[]> again = epoch(b, 2, 0);
        assertEquals(first.size(), again.size());
        for (int k = 0; k < first.size(); k++) {
            assertArrayEquals(first.get(k), again.get(k), "batch " + k);
        }
        List<int[]> nextEpoch = epoch(a, 3, 0);
        assertFalse(Arrays.deepEquals(first.toArray(), nextEpoch.toArray()), "another epoch, another order");
        TokenBatcher otherSeed = new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 6);
        assertNotEquals(Arrays.toString(a.batch(0)), Arrays.toString(otherSeed.batch(0)),
                "ties are broken by the seed");
    }

    @Test
    void resumingAtBatchKEqualsTheTailOfAnUninterruptedEpoch() {
        TokenBatcher batcher = new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 9);
        List<int[]> full = epoch(batcher, 4, 0);
        int count = batcher.batchCount();
        for (int k : new int[] {0, 1, 17, count - 1, count}) {
            TokenBatcher.EpochIterator interrupted = batcher.epoch(4, 0);
            for (int j = 0; j < k; j++) {
                interrupted.next();
            }
            assertEquals(k, interrupted.position(), "the position to checkpoint");
            // a fresh batcher, as after a restart
            List<int[]> resumed = epoch(new TokenBatcher(sourceLengths, targetLengths, MAX_TOKENS, 9), 4,
                    interrupted.position());
            assertEquals(count - k, resumed.size());
            for (int j = 0; j < resumed.size(); j++) {
                assertArrayEquals(full.get(k + j), resumed.get(j), "batch " + (k + j) + " resumed at " + k);
            }
        }
    }

    @Test
    void pairLongerThanMaxTokensIsAnErrorAtSetup() {
        UsageException e = assertThrows(UsageException.class,
                () -> new TokenBatcher(new int[] {3, 40}, new int[] {2, 63}, 50, 1));
        assertEquals("sentence pair 1 (40 source and 63 target tokens) needs 64 tokens with EOS/BOS, more than"
                + " --max-tokens 50. Raise --max-tokens to at least 64, or binarize with --max-len at most 49.",
                e.getMessage());
        assertEquals(1, new TokenBatcher(new int[] {3, 40}, new int[] {2, 63}, 64, 1).batch(1).length,
                "exactly 64 fits");
    }

    @Test
    void collatedBatchesOfARealCorpusFitMaxTokens(@TempDir Path dir) throws IOException {
        try (Vocabularies spm = DataFixtures.spm()) {
            BinarizedDataset data = BinarizedDataset.binarize(
                    DataFixtures.write(dir.resolve("t.en"), DataFixtures.head("train.en.gz", 2000)),
                    DataFixtures.write(dir.resolve("t.de"), DataFixtures.head("train.de.gz", 2000)), spm,
                    dir.resolve("t.bin"), new BitextOptions(BitextFilter.DEFAULT, 2));
            TokenBatcher batcher = TokenBatcher.create(data, 300, 1);
            SpecialIds ids = spm.target().specialIds();
            int pairs = 0;
            for (TokenBatcher.EpochIterator it = batcher.epoch(1, 0); it.hasNext(); ) {
                BitextBatch batch = BitextBatch.collate(data, it.next(), ids);
                assertTrue(batch.size() * Math.max(batch.sourceLength(), batch.targetLength()) <= 300);
                pairs += batch.size();
            }
            assertEquals(data.size(), pairs);
        }
    }
}
