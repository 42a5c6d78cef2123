package org.dmodel.testing;

/**
 * Named float32 tolerances for numeric assertions (style.md §7: each assertion names its reference and
 * tolerance). Values are max absolute differences.
 */
public final class Tolerance {
    /** Two computations of the same function along different op orders (incremental vs full forward). */
    public static final double PATH = 1e-4;
    /** Algebraic identities evaluated with the same ops up to reassociation (GQA vs MHA, RoPE on factors). */
    public static final double IDENTITY = 1e-5;
    /** Results that must not change at all up to float noise (masking, no-op reorder, save/load). */
    public static final double EXACT = 1e-6;

    private Tolerance() {}
}
