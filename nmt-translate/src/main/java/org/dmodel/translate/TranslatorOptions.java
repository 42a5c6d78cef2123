package org.dmodel.translate;

import java.nio.file.Path;
import org.dmodel.search.SearchOptions;

/**
 * How a {@link Translator} decodes and batches. Immutable; build with {@link #builder()}.
 *
 * @param search beam size, length penalty, length limits, n-best, sampling (see {@link SearchOptions}; default
 *     beam 5, lenpen 1.0)
 * @param device {@code cpu} (default), {@code gpu} or {@code gpu:N}
 * @param threads libtorch intra-op threads of each worker; 0 (default): the engine's setting for one worker (all
 *     cores unless {@code ai.djl.pytorch.num_threads} says otherwise), the cores divided among several
 * @param maxBatchSentences most sentences decoded together (default 64)
 * @param maxBatchTokens most source tokens decoded together, padding included (default 4096)
 * @param workers batches decoded at the same time, each by one worker on its own intra-op threads (default 1: batches
 *     are decoded one after the other, each using every core)
 * @param maxSourceTokens longer inputs are truncated to this many tokens (default 1024)
 * @param shortlist a lexical shortlist to decode with, read when the translator loads; null (default) for none
 * @param precision what the weight products compute in ({@link Precision#FLOAT32} by default)
 */
public record TranslatorOptions(SearchOptions search, String device, int threads, int maxBatchSentences,
        int maxBatchTokens, int workers, int maxSourceTokens, ShortlistFile shortlist, Precision precision) {

    /** The arithmetic of the weight products (projections and output layer); the rest is float32. */
    public enum Precision {
        /** As trained. */
        FLOAT32,
        /**
         * Int8 weights (per output row) times int8 inputs (per row), on the CPU only: several times faster products,
         * results within quantization rounding ({@link org.dmodel.engine.Int8Linear}).
         */
        INT8;

        /** Parses {@code float32} or {@code int8}. */
        public static Precision parse(String text) {
            for (Precision p : values()) {
                if (p.name().equalsIgnoreCase(text.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("--precision " + text + ": expected float32 or int8");
        }
    }

    /**
     * A lexicon file ({@code nmt-lexicon}) and how much of it to use: each sentence may produce the {@code first}
     * most frequent target pieces and the {@code best} most probable translations of each of its source pieces
     * ({@link org.dmodel.search.Shortlist}).
     */
    public record ShortlistFile(Path lexicon, int first, int best) {
        public ShortlistFile {
            if (first < 0 || best < 0) {
                throw new IllegalArgumentException("shortlist sizes must be >= 0, got " + first + " and " + best);
            }
        }
    }

    public TranslatorOptions {
        java.util.Objects.requireNonNull(precision, "precision");
        if (maxBatchSentences < 1 || maxBatchTokens < 1 || workers < 1 || maxSourceTokens < 1 || threads < 0) {
            throw new IllegalArgumentException("batch sizes, workers and maxSourceTokens must be >= 1, threads >= 0");
        }
    }

    /** The intra-op threads each worker decodes with: {@link #threads()}, or else the cores shared among the workers. */
    public int intraOpThreads() {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    /** The defaults listed above. */
    public static TranslatorOptions defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.search = search;
        b.device = device;
        b.threads = threads;
        b.maxBatchSentences = maxBatchSentences;
        b.maxBatchTokens = maxBatchTokens;
        b.workers = workers;
        b.maxSourceTokens = maxSourceTokens;
        b.shortlist = shortlist;
        b.precision = precision;
        return b;
    }

    /** Mutable builder for {@link TranslatorOptions}; not thread-safe. */
    public static final class Builder {
        private SearchOptions search = SearchOptions.DEFAULTS;
        private String device = "cpu";
        private int threads;
        private int maxBatchSentences = 64;
        private int maxBatchTokens = 4096;
        private int workers = 1;
        private int maxSourceTokens = 1024;
        private ShortlistFile shortlist;
        private Precision precision = Precision.FLOAT32;

        private Builder() {}

        public Builder search(SearchOptions v) {
            search = v;
            return this;
        }

        public Builder device(String v) {
            device = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder maxBatchSentences(int v) {
            maxBatchSentences = v;
            return this;
        }

        public Builder maxBatchTokens(int v) {
            maxBatchTokens = v;
            return this;
        }

        public Builder workers(int v) {
            workers = v;
            return this;
        }

        public Builder maxSourceTokens(int v) {
            maxSourceTokens = v;
            return this;
        }

        public Builder shortlist(ShortlistFile v) {
            shortlist = v;
            return this;
        }

        public Builder precision(Precision v) {
            precision = v;
            return this;
        }

        public TranslatorOptions build() {
            return new TranslatorOptions(search, device, threads, maxBatchSentences, maxBatchTokens, workers,
                    maxSourceTokens, shortlist, precision);
        }
    }
}
