package org.dmodel.translate.cli;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.translate.TranslatorOptions;

/**
 * The translate options shared by every command that runs a {@link org.dmodel.translate.Translator}
 * ({@code nmt-translate}, {@code nmt-spark-translate}): decoding flags, batch limits, device and threads.
 */
public final class TranslatorOptionTable {
    private TranslatorOptionTable() {}

    /** Adds the options to {@code t}. */
    public static void declare(OptionTable t) {
        SearchOptionTable.declare(t);
        t.value("batch-size", null, "N", "64", "most sentences per batch");
        t.value("max-tokens", null, "N", "4096", "most padded source tokens per batch");
        t.value("max-source-tokens", null, "N", "1024", "longer inputs are truncated (with a warning naming the line)");
        t.value("device", null, "DEV", "cpu", "cpu, gpu or gpu:N");
        t.value("threads", null, "N", "0", "intra-op threads per worker (0: the cores shared among the workers)");
        declarePrecision(t);
        declareShortlist(t);
    }

    /** Adds {@code --precision float32|int8} (see {@link #precision}). */
    public static void declarePrecision(OptionTable t) {
        t.value("precision", null, "P", "float32", "float32, or int8: weight products in int8 on the CPU, several"
                + " times faster, within quantization rounding");
    }

    /** The precision {@code --precision} asks for; a bad value is a usage error. */
    public static TranslatorOptions.Precision precision(CommandLine cmd, OptionTable t) {
        try {
            return TranslatorOptions.Precision.parse(t.require(cmd, "precision"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Adds {@code --shortlist FILE}, {@code --shortlist-first N} and {@code --shortlist-best N} (see {@link #shortlist}). */
    public static void declareShortlist(OptionTable t) {
        t.value("shortlist", null, "FILE", null, "lexicon from nmt-lexicon: each sentence may produce only its"
                + " shortlist of target pieces (faster output layer)");
        t.value("shortlist-first", null, "N", "100", "with --shortlist: the N most frequent target pieces are always"
                + " allowed");
        t.value("shortlist-best", null, "N", "10", "with --shortlist: the N most probable translations of each"
                + " source piece are allowed");
    }

    /** Adds {@code --workers} for a command that decodes on its own machine (see {@link #withWorkers}). */
    public static void declareWorkers(OptionTable t) {
        t.value("workers", null, "N", "0", "batches decoded at the same time, each on its own --threads (0: on CPU"
                + " one per core, or per --threads cores when given; on a GPU 1)");
    }

    /** {@code options} with the workers {@code --workers} asks for ({@link #workers}). */
    public static TranslatorOptions withWorkers(CommandLine cmd, OptionTable t, TranslatorOptions options) {
        return options.toBuilder().workers(workers(t.getInt(cmd, "workers", 0), options)).build();
    }

    /**
     * The workers for {@code --workers N}; 0 picks them: on CPU one per core, or one per {@code --threads} cores when
     * given; on a GPU 1. Several batches at once with few threads each
     * is the faster use of CPU cores here (2 workers × 1 thread on 2 cores: files 1.17–1.43×, the server 1.8–2.2× the
     * speed of 1 × 2; BENCHMARKS.md "Issue 14, continued").
     */
    public static int workers(int requested, TranslatorOptions options) {
        if (requested > 0) {
            return requested;
        }
        if (!options.device().equals("cpu")) {
            return 1;
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, options.threads()));
    }

    /** The options given on the command line (defaults for the rest). */
    public static TranslatorOptions resolve(CommandLine cmd, OptionTable t) {
        return TranslatorOptions.builder()
                .search(SearchOptionTable.resolve(cmd, t))
                .device(t.require(cmd, "device"))
                .threads(t.getInt(cmd, "threads", 0))
                .maxBatchSentences(t.getInt(cmd, "batch-size", 1))
                .maxBatchTokens(t.getInt(cmd, "max-tokens", 1))
                .maxSourceTokens(t.getInt(cmd, "max-source-tokens", 2))
                .shortlist(shortlist(cmd, t))
                .precision(precision(cmd, t))
                .build();
    }

    /** The shortlist {@code --shortlist} names, or null; a size option without it is a usage error. */
    public static TranslatorOptions.ShortlistFile shortlist(CommandLine cmd, OptionTable t) {
        String file = t.get(cmd, "shortlist");
        if (file == null) {
            for (String size : new String[] {"shortlist-first", "shortlist-best"}) {
                if (t.has(cmd, size)) {
                    throw new UsageException("--" + size + " only applies with --shortlist FILE. Add --shortlist or"
                            + " drop --" + size + ".");
                }
            }
            return null;
        }
        return new TranslatorOptions.ShortlistFile(Path.of(file), t.getInt(cmd, "shortlist-first", 0),
                t.getInt(cmd, "shortlist-best", 0));
    }
}
