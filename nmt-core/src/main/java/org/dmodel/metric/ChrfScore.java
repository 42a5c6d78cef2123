package org.dmodel.metric;

/**
 * A chrF or chrF++ result. The name follows sacreBLEU: {@code chrF} + beta + one {@code +} per word order,
 * e.g. {@code chrF2} or {@code chrF2++}. Immutable.
 *
 * @param score the F-score in percent
 * @param charOrder character n-gram order
 * @param wordOrder word n-gram order (0 for chrF, 2 for chrF++)
 * @param beta the weight of recall
 */
public record ChrfScore(double score, int charOrder, int wordOrder, int beta) implements Score {
    @Override
    public String name() {
        return "chrF" + beta + "+".repeat(wordOrder);
    }
}
