package org.dmodel.model;

/**
 * The parameter groups that νGPT gives separate learning rates (papers.md §3.2), as reported by
 * {@link Seq2SeqModel#parameterGroups()}.
 */
public enum ParameterGroup {
    /** Input token tables (joint/target, source) and lwc's segment vectors. */
    INPUT_EMBEDDINGS,
    /** Weight matrices of attention and feed-forward projections. */
    HIDDEN_MATRICES,
    /** The separate output table E_out. */
    OUTPUT_EMBEDDINGS,
    /** Vectors: nGPT's scaling vectors α, s_qk, s_u/s_ν, s_z (in a standard model, norms and biases). */
    SCALING_VECTORS
}
