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
     * Merges {@code blocks} (in input order) into partitions of about {@code maxTokens} source tokens, or smaller
     * when the input is small, so that there are at least {@code minPartitions}. A block goes to the partition in
     * which its middle token falls, counted from the start of its file: partitions come out even, never span two
     * files, and each gets the position of its first line in the whole input.
     */
    static List<Block> plan(List<Block> blocks, long maxTokens, int minPartitions) {
        long total = 0;
        for (Block b : blocks) {
            total += b.tokens();
        }
        long budget = Math.max(1, Math.min(maxTokens, (total + minPartitions - 1) / minPartitions));
        List<Block> out = new ArrayList<>();
        Block current = null;
        long currentPart = -1;
        long index = 0;
        long inFile = 0; // tokens of the current file before this block
        for (Block b : blocks) {
            b = b.at(index);
            index += b.lines();
            if (current != null && current.file() != b.file()) {
                inFile = 0;
            }
            long part = (inFile + b.tokens() / 2) / budget;
            inFile += b.tokens();
            if (current != null && current.file() == b.file() && part == currentPart) {
                current = current.merge(b);
            } else {
                if (current != null) {
                    out.add(current);
                }
                current = b;
                currentPart = part;
            }
        }
        if (current != null) {
            out.add(current);
        }
        return out;
    }
}
