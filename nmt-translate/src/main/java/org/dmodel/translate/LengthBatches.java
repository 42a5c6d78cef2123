package org.dmodel.translate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Groups sentences into decoding batches of similar length: sorted longest first, cut when a batch would
 * exceed {@code maxSentences} or {@code maxTokens} padded source tokens. Stateless.
 */
final class LengthBatches {
    private LengthBatches() {}

    /** Batches of indices into {@code ids} (only those listed in {@code work}). */
    static List<int[]> plan(List<Integer> work, int[][] ids, int maxSentences, int maxTokens) {
        List<Integer> order = new ArrayList<>(work);
        order.sort(Comparator.comparingInt((Integer i) -> ids[i].length).reversed().thenComparingInt(i -> i));
        List<int[]> batches = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        int maxLen = 0;
        for (int i : order) {
            int len = ids[i].length;
            int padded = Math.max(maxLen, len) * (current.size() + 1);
            if (!current.isEmpty() && (current.size() == maxSentences || padded > maxTokens)) {
                batches.add(current.stream().mapToInt(Integer::intValue).toArray());
                current.clear();
                maxLen = 0;
            }
            current.add(i);
            maxLen = Math.max(maxLen, len);
        }
        if (!current.isEmpty()) {
            batches.add(current.stream().mapToInt(Integer::intValue).toArray());
        }
        return batches;
    }
}
