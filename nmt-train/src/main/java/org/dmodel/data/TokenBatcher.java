package org.dmodel.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.dmodel.cli.UsageException;

/**
 * Groups sentence pairs into length-bucketed batches that hold at most {@code maxTokens} padded tokens, the way
 * fairseq's {@code --max-tokens} does, and deals them out in a seeded random order per epoch.
 *
 * <p><b>Size of a batch.</b> A pair with {@code s} source and {@code t} target tokens becomes rows of length
 * {@code s + 1} (source + EOS) and {@code t + 1} (BOS + target, and target + EOS); see {@link BitextBatch}. A
 * batch of {@code B} pairs is padded to {@code S = max(s) + 1} and {@code T = max(t) + 1}, and its size is
 * {@code B · max(S, T)}, which is never more than {@code maxTokens}. (fairseq counts the same way: sentences
 * times the longest side's padded length.)
 *
 * <p><b>Batches.</b> Pairs are sorted by {@code max(s, t)}, then by {@code min(s, t)}, with ties in a random
 * order drawn from {@code Random(seed)}; consecutive runs are cut greedily as long as they fit. So batches are
 * length buckets (little padding), their composition is fixed for the whole run, and every pair is in exactly
 * one batch.
 *
 * <p><b>Epochs.</b> {@link #epoch(int, int)} visits all batches in the order of a Fisher–Yates shuffle drawn
 * from {@code new Random(seed + epoch)}, so a run is reproduced by its seed, and a checkpoint that saves
 * {@code (epoch, position())} resumes with {@code epoch(epoch, position)} exactly where it stopped.
 *
 * <pre>{@code
 * TokenBatcher batcher = TokenBatcher.create(train, 4096, seed);
 * for (TokenBatcher.EpochIterator it = batcher.epoch(epoch, 0); it.hasNext(); ) {
 *     BitextBatch batch = BitextBatch.collate(train, it.next(), vocab.target().specialIds());
 *     ...  // save (it.epoch(), it.position()) with a checkpoint
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe; each {@link EpochIterator} is for one thread.
 */
public final class TokenBatcher {
    private final int maxTokens;
    private final long seed;
    /** Pair indices in batch order: batch b is {@code order[starts[b] .. starts[b + 1])}. */
    private final int[] order;
    private final int[] starts;

    /**
     * Batches every pair of {@code data}.
     *
     * @throws UsageException when a single pair does not fit in {@code maxTokens}
     */
    public static TokenBatcher create(BinarizedDataset data, int maxTokens, long seed) {
        int[] source = new int[data.size()];
        int[] target = new int[data.size()];
        for (int i = 0; i < source.length; i++) {
            source[i] = data.sourceLength(i);
            target[i] = data.targetLength(i);
        }
        return new TokenBatcher(source, target, maxTokens, seed);
    }

    /**
     * Batches pairs given by their token counts (without special ids); pair i has {@code sourceLengths[i]}
     * and {@code targetLengths[i]} tokens.
     *
     * @throws UsageException when a single pair does not fit in {@code maxTokens}
     */
    public TokenBatcher(int[] sourceLengths, int[] targetLengths, int maxTokens, long seed) {
        if (sourceLengths.length != targetLengths.length) {
            throw new IllegalArgumentException(sourceLengths.length + " source lengths but " + targetLengths.length
                    + " target lengths");
        }
        if (sourceLengths.length == 0) {
            throw new IllegalArgumentException("no sentence pairs to batch");
        }
        if (maxTokens < 1) {
            throw new UsageException("--max-tokens " + maxTokens + ": must be at least 1");
        }
        this.maxTokens = maxTokens;
        this.seed = seed;
        int n = sourceLengths.length;
        int[] longer = new int[n];
        int[] shorter = new int[n];
        int largest = 0;
        for (int i = 0; i < n; i++) {
            int s = sourceLengths[i];
            int t = targetLengths[i];
            if (s < 0 || t < 0) {
                throw new IllegalArgumentException("pair " + i + " has a negative length: " + s + ", " + t);
            }
            longer[i] = Math.max(s, t) + 1;
            shorter[i] = Math.min(s, t) + 1;
            if (longer[i] > maxTokens) {
                throw new UsageException("sentence pair " + i + " (" + s + " source and " + t + " target tokens)"
                        + " needs " + longer[i] + " tokens with EOS/BOS, more than --max-tokens " + maxTokens
                        + ". Raise --max-tokens to at least " + longer[i] + ", or binarize with --max-len at most "
                        + (maxTokens - 1) + ".");
            }
            largest = Math.max(largest, longer[i]);
        }
        int[] shuffled = identity(n);
        shuffle(shuffled, new Random(seed));
        // LSD radix sort: stable by the secondary key, then by the primary key.
        this.order = countingSort(countingSort(shuffled, shorter, largest), longer, largest);
        this.starts = cut(order, longer, maxTokens);
    }

    /** The token budget per batch. */
    public int maxTokens() {
        return maxTokens;
    }

    /** Number of batches per epoch. */
    public int batchCount() {
        return starts.length - 1;
    }

    /** Number of pairs batched. */
    public int pairCount() {
        return order.length;
    }

    /** The pair indices of batch {@code b} (0 ≤ b < {@link #batchCount()}, in length order); a fresh array. */
    public int[] batch(int b) {
        if (b < 0 || b >= batchCount()) {
            throw new IndexOutOfBoundsException("batch " + b + " of " + batchCount());
        }
        return Arrays.copyOfRange(order, starts[b], starts[b + 1]);
    }

    /**
     * Iterates over the batches of {@code epoch} in that epoch's shuffled order, starting at position
     * {@code start} (0 for a whole epoch, or a saved {@link EpochIterator#position()} to resume).
     */
    public EpochIterator epoch(int epoch, int start) {
        if (start < 0 || start > batchCount()) {
            throw new IllegalArgumentException("start " + start + " is outside 0.." + batchCount());
        }
        int[] batchOrder = identity(batchCount());
        shuffle(batchOrder, new Random(seed + epoch));
        return new EpochIterator(epoch, batchOrder, start);
    }

    /** The batches of one epoch, each as the pair indices it holds. Not thread-safe. */
    public final class EpochIterator implements Iterator<int[]> {
        private final int epoch;
        private final int[] batchOrder;
        private int position;

        private EpochIterator(int epoch, int[] batchOrder, int position) {
            this.epoch = epoch;
            this.batchOrder = batchOrder;
            this.position = position;
        }

        /** The epoch number this iterator was created for. */
        public int epoch() {
            return epoch;
        }

        /** How many batches of this epoch come before the next one: the value to save for resuming. */
        public int position() {
            return position;
        }

        @Override
        public boolean hasNext() {
            return position < batchOrder.length;
        }

        @Override
        public int[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has " + batchOrder.length + " batches");
            }
            return batch(batchOrder[position++]);
        }
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Fisher–Yates, so the order depends only on the seed ({@link Random}'s sequence is specified). */
    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = a[i];
            a[i] = a[j];
            a[j] = swap;
        }
    }

    /** Stable sort of the indices in {@code items} by {@code key[index]}, keys in {@code [0, maxKey]}. */
    private static int[] countingSort(int[] items, int[] key, int maxKey) {
        int[] next = new int[maxKey + 2];
        for (int item : items) {
            next[key[item] + 1]++;
        }
        for (int k = 1; k < next.length; k++) {
            next[k] += next[k - 1];
        }
        int[] sorted = new int[items.length];
        for (int item : items) {
            sorted[next[key[item]]++] = item;
        }
        return sorted;
    }

    /** Greedy cut of length-sorted pairs: a batch grows while its count times its longest row fits. */
    private static int[] cut(int[] order, int[] longer, int maxTokens) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int count = 0;
        int longest = 0;
        for (int k = 0; k < order.length; k++) {
            int length = longer[order[k]];
            int newLongest = Math.max(longest, length);
            if (count > 0 && (long) (count + 1) * newLongest > maxTokens) {
                starts.add(k);
                count = 0;
                newLongest = length;
            }
            count++;
            longest = newLongest;
        }
        starts.add(order.length);
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
