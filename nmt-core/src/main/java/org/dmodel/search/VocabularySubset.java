package org.dmodel.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The output columns a batch decodes over: either the whole target vocabulary, or a sorted subset of it (a
 * {@link Shortlist}) where column c stands for token {@link #token(int) token(c)}. Within a subset each sentence
 * may have its own allowed tokens; the others are masked to −∞ before the softmax ({@link #sentenceMask}), so a
 * sentence decodes the same whatever it is batched with. Immutable and thread-safe.
 */
public final class VocabularySubset {
    private final int vocabSize;
    private final int[] tokens;            // column → token id, increasing; null for the whole vocabulary
    private final int[][] sentenceColumns; // per sentence, its allowed columns, increasing; null for the whole vocabulary

    private VocabularySubset(int vocabSize, int[] tokens, int[][] sentenceColumns) {
        this.vocabSize = vocabSize;
        this.tokens = tokens;
        this.sentenceColumns = sentenceColumns;
    }

    /** Every token of a vocabulary of {@code vocabSize}, column = token. */
    public static VocabularySubset all(int vocabSize) {
        return new VocabularySubset(vocabSize, null, null);
    }

    /**
     * The union of each sentence's allowed tokens.
     *
     * @param sentenceTokens per sentence, its allowed token ids, increasing, each below {@code vocabSize}
     */
    public static VocabularySubset of(int vocabSize, int[][] sentenceTokens) {
        boolean[] used = new boolean[vocabSize];
        for (int[] allowed : sentenceTokens) {
            for (int t : allowed) {
                used[t] = true;
            }
        }
        int[] columnOf = new int[vocabSize];
        int size = 0;
        for (int t = 0; t < vocabSize; t++) {
            columnOf[t] = used[t] ? size++ : -1;
        }
        int[] tokens = new int[size];
        for (int t = 0; t < vocabSize; t++) {
            if (used[t]) {
                tokens[columnOf[t]] = t;
            }
        }
        int[][] columns = new int[sentenceTokens.length][];
        for (int s = 0; s < sentenceTokens.length; s++) {
            columns[s] = new int[sentenceTokens[s].length];
            for (int i = 0; i < columns[s].length; i++) {
                columns[s][i] = columnOf[sentenceTokens[s][i]];
            }
        }
        return new VocabularySubset(vocabSize, tokens, columns);
    }

    /** Size of the whole vocabulary the subset is taken from. */
    public int vocabSize() {
        return vocabSize;
    }

    /** True when the columns are the whole vocabulary. */
    public boolean isAll() {
        return tokens == null;
    }

    /** Number of columns. */
    public int size() {
        return tokens == null ? vocabSize : tokens.length;
    }

    /** The token id of column {@code column}. */
    public int token(int column) {
        return tokens == null ? column : tokens[column];
    }

    /** The column of token id {@code token}, or −1 when the subset does not have it. */
    public int column(int token) {
        if (tokens == null) {
            return token >= 0 && token < vocabSize ? token : -1;
        }
        int c = Arrays.binarySearch(tokens, token);
        return c >= 0 ? c : -1;
    }

    /** The token ids of the columns, in column order (a copy). */
    public int[] tokens() {
        return tokens == null ? null : tokens.clone();
    }

    /**
     * Additive mask (sentences, 1, columns), float32 in {@code manager}: 0 where a sentence may take the column, −∞
     * elsewhere; null when every sentence may take every column.
     */
    public NDArray sentenceMask(NDManager manager) {
        if (tokens == null) {
            return null;
        }
        int width = tokens.length;
        boolean needed = false;
        for (int[] allowed : sentenceColumns) {
            needed |= allowed.length < width;
        }
        if (!needed) {
            return null;
        }
        float[] mask = new float[sentenceColumns.length * width];
        Arrays.fill(mask, Float.NEGATIVE_INFINITY);
        for (int s = 0; s < sentenceColumns.length; s++) {
            for (int c : sentenceColumns[s]) {
                mask[s * width + c] = 0f;
            }
        }
        return manager.create(mask, new Shape(sentenceColumns.length, 1, width));
    }
}
