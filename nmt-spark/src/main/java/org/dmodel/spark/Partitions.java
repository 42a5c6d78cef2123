package org.dmodel.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the planner's blocks into partitions: consecutive blocks of one file merged up to a token budget, so
 * every task decodes about the same amount of text and partition order is input order. Stateless.
 */
final class Partitions {
    private Partitions() {}

    /**
     * Merges {@code blocks} (in input order) into partitions of at most {@code maxTokens} source tokens, fewer when
     * that leaves task slots idle: the budget shrinks to the input's tokens divided by {@code slots}.
     */
    static List<Block> plan(List<Block> blocks, long maxTokens, int slots) {
        long total = 0;
        for (Block b : blocks) {
            total += b.tokens();
        }
        long budget = Math.max(1, Math.min(maxTokens, (total + slots - 1) / slots));
        List<Block> out = new ArrayList<>();
        Block current = null;
        long index = 0;
        for (Block b : blocks) {
            b = b.at(index);
            index += b.lines();
            if (current != null && current.file() == b.file() && current.tokens() + b.tokens() <= budget) {
                current = current.merge(b);
            } else {
                if (current != null) {
                    out.add(current);
                }
                current = b;
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out;
    }
}
