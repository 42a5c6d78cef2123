package org.dmodel.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How planned blocks become partitions: input order, one file per partition, even token counts. */
class PartitionsTest {
    /** {@code n} blocks of {@code lines} lines and {@code tokens} tokens each, for file {@code file}. */
    static List<Block> blocks(int file, int n, int lines, long tokens) {
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Block(file, 0, 1 + (long) i * lines, (long) i * 1000, 0, lines, tokens));
        }
        return out;
    }

    @Test
    void smallInputMakesAtLeastTheMinimumOfEvenPartitions() {
        List<Block> parts = Partitions.plan(blocks(0, 45, 10, 100), 100_000, 8);
        assertEquals(8, parts.size());
        for (Block p : parts) {
            assertTrue(p.tokens() >= 500 && p.tokens() <= 600, "even partitions: " + parts);
        }
    }

    @Test
    void largeInputIsCutAtTheTokenBudget() {
        List<Block> parts = Partitions.plan(blocks(0, 1000, 10, 100), 5_000, 8);
        assertEquals(20, parts.size());
        parts.forEach(p -> assertEquals(5_000, p.tokens()));
    }

    @Test
    void partitionsKeepInputOrderNeverSpanFilesAndNumberEveryLine() {
        List<Block> in = new ArrayList<>(blocks(0, 3, 10, 100));
        in.addAll(blocks(1, 3, 7, 100));
        List<Block> parts = Partitions.plan(in, 1_000_000, 1);
        assertEquals(2, parts.size(), "one per file although the budget would hold both: " + parts);
        assertEquals(new Block(0, 0, 1, 0, 0, 30, 300), parts.get(0));
        assertEquals(new Block(1, 30, 1, 0, 0, 21, 300), parts.get(1));
    }
}
