package org.dmodel.translate.cli;

import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.search.SearchOptions;

/** The decoding flags of {@code nmt-translate} (fairseq's names and defaults), declared once. */
final class SearchOptionTable {
    private SearchOptionTable() {}

    static void declare(OptionTable t) {
        SearchOptions d = SearchOptions.DEFAULTS;
        t.value("beam", null, "K", Integer.toString(d.beam()), "beam size (1: greedy)");
        t.value("lenpen", null, "A", Double.toString(d.lenpen()), "length penalty α: hypotheses ranked by score/len^α");
        t.value("max-len-a", null, "A", Double.toString(d.maxLenA()), "output length limit a·source_len + b: a");
        t.value("max-len-b", null, "B", Integer.toString(d.maxLenB()), "output length limit a·source_len + b: b");
        t.value("min-len", null, "N", Integer.toString(d.minLen()), "no EOS before N tokens");
        t.value("nbest", null, "N", Integer.toString(d.nbest()), "write the N best hypotheses as 'index ||| text ||| score' (N <= --beam)");
        t.value("unk-penalty", null, "P", Double.toString(d.unkPenalty()), "subtracted from the unknown piece's log-probability");
        t.value("no-repeat-ngram-size", null, "N", Integer.toString(d.noRepeatNgramSize()),
                "forbid repeating any N-gram of output tokens within a hypothesis (0: off)");
        t.value("repetition-penalty", null, "T", Double.toString(d.repetitionPenalty()),
                "multiply the log-probability of tokens already in the hypothesis by T (>1 discourages repeats; 1: off)");
        t.flag("sampling", null, "sample instead of searching");
        t.value("temperature", null, "T", Double.toString(d.temperature()), "sampling temperature");
        t.value("top-k", null, "K", Integer.toString(d.topK()), "sample among the K most likely tokens (0: off)");
        t.value("top-p", null, "P", Double.toString(d.topP()), "nucleus sampling threshold (1: off)");
        t.value("seed", null, "N", Long.toString(d.seed()), "sampling seed");
    }

    static SearchOptions resolve(CommandLine cmd, OptionTable t) {
        try {
            return SearchOptions.DEFAULTS
                    .withBeam(t.getInt(cmd, "beam", 1))
                    .withLenpen(t.getDouble(cmd, "lenpen", -100, 100))
                    .withMaxLen(t.getDouble(cmd, "max-len-a", 0, 1e6), t.getInt(cmd, "max-len-b", 0))
                    .withMinLen(t.getInt(cmd, "min-len", 0))
                    .withNbest(t.getInt(cmd, "nbest", 1))
                    .withUnkPenalty(t.getDouble(cmd, "unk-penalty", -1e6, 1e6))
                    .withNoRepeatNgramSize(t.getInt(cmd, "no-repeat-ngram-size", 0))
                    .withRepetitionPenalty(t.getDouble(cmd, "repetition-penalty", 1e-6, 1e6))
                    .withSampling(t.has(cmd, "sampling"))
                    .withTemperature(t.getDouble(cmd, "temperature", 1e-6, 1e6))
                    .withTopK(t.getInt(cmd, "top-k", 0))
                    .withTopP(t.getDouble(cmd, "top-p", 1e-9, 1))
                    .withSeed(t.getInt(cmd, "seed", 0))
                    .checkConsistent();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
