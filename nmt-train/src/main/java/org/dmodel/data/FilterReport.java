package org.dmodel.data;

/**
 * How many sentence pairs {@link BitextFilter} read, kept and dropped, by reason; stored in a binarized
 * dataset's {@code meta.json} and logged when it is built. Immutable.
 *
 * @param read     pairs read from the text files
 * @param kept     pairs kept
 * @param empty    dropped because a side was empty
 * @param tooLong  dropped because a side was longer than {@code maxLength}
 * @param badRatio dropped because the length ratio exceeded {@code maxRatio}
 */
public record FilterReport(long read, long kept, long empty, long tooLong, long badRatio) {
    /** Checks that the dropped and kept counts add up to {@code read}. */
    public FilterReport {
        if (read != kept + empty + tooLong + badRatio) {
            throw new IllegalArgumentException("read=" + read + " is not kept + dropped: " + kept + " + " + empty
                    + " + " + tooLong + " + " + badRatio);
        }
    }

    /** Counts the verdicts, indexed by {@link BitextFilter.Verdict#ordinal()}. */
    static FilterReport of(long[] countsByVerdict) {
        long kept = countsByVerdict[BitextFilter.Verdict.KEEP.ordinal()];
        long empty = countsByVerdict[BitextFilter.Verdict.EMPTY.ordinal()];
        long tooLong = countsByVerdict[BitextFilter.Verdict.TOO_LONG.ordinal()];
        long badRatio = countsByVerdict[BitextFilter.Verdict.BAD_RATIO.ordinal()];
        return new FilterReport(kept + empty + tooLong + badRatio, kept, empty, tooLong, badRatio);
    }

    /** Pairs dropped for any reason. */
    public long dropped() {
        return empty + tooLong + badRatio;
    }

    /** One line for logs, e.g. {@code kept 162818 of 162830 pairs (dropped: 0 empty, 0 too long, 12 bad ratio)}. */
    @Override
    public String toString() {
        return "kept " + kept + " of " + read + " pairs (dropped: " + empty + " empty, " + tooLong + " too long, "
                + badRatio + " bad ratio)";
    }
}
