package org.dmodel.metric;

/**
 * A TER result: edits (with shifts) per reference word, in percent. Immutable.
 *
 * @param score TER in percent
 * @param numEdits total edits, shifts included
 * @param refLength total of the per-segment average reference lengths
 */
public record TerScore(double score, double numEdits, double refLength) implements Score {
    @Override
    public String name() {
        return "TER";
    }
}
