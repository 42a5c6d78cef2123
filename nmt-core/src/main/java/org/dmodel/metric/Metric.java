package org.dmodel.metric;

import java.util.ArrayList;
import java.util.List;

/**
 * A sacreBLEU-compatible MT metric: segment statistics, the corpus score from their sums, sentence scores,
 * and the signature. Implementations ({@link Bleu}, {@link Chrf}, {@link Ter}) are immutable and
 * thread-safe; each call allocates its own working memory.
 *
 * <p>References are given as sacreBLEU takes them: a list of reference <em>streams</em>, each a list of
 * segments aligned with the hypotheses. For example:
 * <pre>{@code
 * Metric bleu = new Bleu(Bleu.Options.defaults());
 * Score s = bleu.corpusScore(hypotheses, List.of(referenceLines));
 * String line = ScoreFormat.text(s, bleu.signature(1), 2, false);
 * }</pre>
 */
public interface Metric {
    /**
     * Sufficient statistics for each hypothesis against its references.
     *
     * @param hypotheses one segment per line
     * @param references reference streams, each as long as {@code hypotheses}
     * @throws IllegalArgumentException when a reference stream's length differs from the hypotheses'
     */
    Statistics statistics(List<String> hypotheses, List<List<String>> references);

    /** The score from column sums of {@link #statistics} (or of a resample of its rows). */
    Score score(double[] summedStatistics);

    /** The signature for {@code numRefs} references (sacreBLEU's {@code nrefs}). */
    Signature signature(int numRefs);

    /** The corpus-level score. */
    default Score corpusScore(List<String> hypotheses, List<List<String>> references) {
        return score(statistics(hypotheses, references).sum());
    }

    /** The score of one hypothesis against its references (one per stream). */
    default Score sentenceScore(String hypothesis, List<String> references) {
        List<List<String>> streams = new ArrayList<>(references.size());
        for (String r : references) {
            streams.add(List.of(r));
        }
        return score(statistics(List.of(hypothesis), streams).sum());
    }

    /** Checks that every reference stream is as long as the hypotheses. */
    static void checkAligned(List<String> hypotheses, List<List<String>> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("no references given");
        }
        for (int r = 0; r < references.size(); r++) {
            if (references.get(r).size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream " + r + " has " + references.get(r).size()
                        + " segments but there are " + hypotheses.size() + " hypotheses");
            }
        }
    }
}
