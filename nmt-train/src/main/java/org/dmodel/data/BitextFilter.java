package org.dmodel.data;

/**
 * Decides which encoded sentence pairs are kept for training, in the manner of Moses' {@code clean-corpus-n}
 * but on subword tokens: a pair is dropped when a side is empty, when a side has more than
 * {@code maxLength} tokens, or when the longer side has more than {@code maxRatio} times the tokens of the
 * shorter one. The first rule that applies names the reason. Lengths count tokens as the tokenizer returns
 * them, without BOS or EOS.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxLength most tokens allowed on either side (at least 1)
 * @param maxRatio  largest allowed {@code max(srcLen, tgtLen) / min(srcLen, tgtLen)} (at least 1)
 */
public record BitextFilter(int maxLength, double maxRatio) {
    /** Default {@code maxLength}: 256 subword tokens per sentence. */
    public static final int DEFAULT_MAX_LENGTH = 256;
    /**
     * Default {@code maxRatio}: 3 on subword tokens (Moses uses 9 on words, which lets misaligned pairs
     * through once words are split into pieces; on the bundled Tatoeba corpus 3 drops under 0.01 % of pairs).
     */
    public static final double DEFAULT_MAX_RATIO = 3.0;
    /** {@link #DEFAULT_MAX_LENGTH} and {@link #DEFAULT_MAX_RATIO}. */
    public static final BitextFilter DEFAULT = new BitextFilter(DEFAULT_MAX_LENGTH, DEFAULT_MAX_RATIO);

    /** Why a pair was kept or dropped. */
    public enum Verdict {
        /** Kept. */
        KEEP,
        /** A side has no tokens. */
        EMPTY,
        /** A side has more than {@code maxLength} tokens. */
        TOO_LONG,
        /** The length ratio exceeds {@code maxRatio}. */
        BAD_RATIO
    }

    /** Checks the bounds: {@code maxLength >= 1}, {@code maxRatio} finite and {@code >= 1}. */
    public BitextFilter {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1, got " + maxLength);
        }
        if (!(maxRatio >= 1.0) || Double.isInfinite(maxRatio)) {
            throw new IllegalArgumentException("maxRatio must be a finite number of at least 1, got " + maxRatio);
        }
    }

    /** Judges a pair by its token counts. */
    public Verdict check(int sourceLength, int targetLength) {
        if (sourceLength == 0 || targetLength == 0) {
            return Verdict.EMPTY;
        }
        if (sourceLength > maxLength || targetLength > maxLength) {
            return Verdict.TOO_LONG;
        }
        int longer = Math.max(sourceLength, targetLength);
        int shorter = Math.min(sourceLength, targetLength);
        return longer > maxRatio * shorter ? Verdict.BAD_RATIO : Verdict.KEEP;
    }
}
