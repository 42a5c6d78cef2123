package org.dmodel.metric;

/**
 * A metric's result over a corpus or a sentence, as sacreBLEU reports it. Implementations are immutable.
 * Format one with {@link ScoreFormat}.
 */
public interface Score {
    /** The metric's display name: {@code BLEU}, {@code chrF2}, {@code chrF2++}, {@code TER}. */
    String name();

    /** The score on sacreBLEU's scale (0–100; TER can exceed 100). */
    double score();

    /** The text sacreBLEU prints after the score (BLEU's precisions and brevity penalty), or "". */
    default String verbose() {
        return "";
    }
}
