package org.dmodel.spark;

import java.io.Serializable;

/**
 * A run of consecutive lines of one input file, the unit the planner emits and partitions are made of.
 *
 * @param file index of the file in the sorted input list
 * @param index 0-based position of the block's first line in the whole input (set by {@link Partitions})
 * @param firstLine 1-based number of the block's first line in its file
 * @param offset byte offset of that line in the file (after decompression), for seeking in uncompressed files
 * @param refOffset the same for the reference file ({@code --score-with}), else 0
 * @param lines how many lines
 * @param tokens their source tokens (SentencePiece pieces plus end of sentence)
 */
record Block(int file, long index, long firstLine, long offset, long refOffset, int lines, long tokens) implements Serializable {
    /** This block followed by the next one of the same file. */
    Block merge(Block next) {
        return new Block(file, index, firstLine, offset, refOffset, lines + next.lines, tokens + next.tokens);
    }

    /** This block at position {@code i} of the whole input. */
    Block at(long i) {
        return new Block(file, i, firstLine, offset, refOffset, lines, tokens);
    }
}
