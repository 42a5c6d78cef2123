package org.dmodel.data;

import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.OptionTable;

/**
 * How parallel text is turned into a {@link BinarizedDataset}: the filter and the number of encoding threads.
 * The command-line options are declared here once, for {@code nmt-binarize} and {@code nmt-train} alike:
 * {@code --max-len} ({@link BitextFilter#maxLength()}), {@code --max-ratio} ({@link BitextFilter#maxRatio()})
 * and {@code --workers}. Immutable.
 *
 * @param filter  which pairs to keep
 * @param workers threads that run the tokenizers (at least 1); the output does not depend on it
 */
public record BitextOptions(BitextFilter filter, int workers) {
    /** Checks that a filter is given and {@code workers >= 1}. */
    public BitextOptions {
        if (filter == null) {
            throw new IllegalArgumentException("filter must not be null");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
    }

    /** The default filter, one worker per available processor. */
    public static BitextOptions defaults() {
        return new BitextOptions(BitextFilter.DEFAULT, Runtime.getRuntime().availableProcessors());
    }

    /** Declares {@code --max-len}, {@code --max-ratio} and {@code --workers}. */
    public static void declare(OptionTable table) {
        table.value("max-len", null, "TOKENS", String.valueOf(BitextFilter.DEFAULT_MAX_LENGTH),
                "drop sentence pairs with more subword tokens than this on either side");
        table.value("max-ratio", null, "R", String.valueOf(BitextFilter.DEFAULT_MAX_RATIO),
                "drop sentence pairs whose longer side has more than R times the tokens of the shorter");
        table.value("workers", null, "N", String.valueOf(Runtime.getRuntime().availableProcessors()),
                "threads that tokenize while binarizing (the result does not depend on it)");
    }

    /** Reads the options declared by {@link #declare}; bad values are usage errors. */
    public static BitextOptions from(CommandLine cmd, OptionTable table) {
        BitextFilter filter = new BitextFilter(table.getInt(cmd, "max-len", 1),
                table.getDouble(cmd, "max-ratio", 1.0, 1e9));
        return new BitextOptions(filter, table.getInt(cmd, "workers", 1));
    }
}
