package org.dmodel.attention;

import ai.djl.ndarray.NDArray;

/**
 * The keys and values of one segment of what an attention attends over, in the form its variant keeps them
 * ({@link MaterializedSegment}: Kᵀ and V; {@link FactoredSegment}: TPA's factors). A segment serves its query rows
 * in groups: a per-sentence segment (LWC's source part, enc-dec cross-attention) serves the {@code group} = beam
 * hypothesis rows of each sentence without copying itself per row; a per-row segment serves one row each
 * ({@code group} = 1).
 *
 * <p>Queries come as (N, h, m, d_h), already multiplied by the score scale; N = rows of the segment × group.
 * Results belong to the queries' (or weights') manager. Implementations are immutable views over arrays they do
 * not own.
 */
interface KeyValueSegment {
    /**
     * Masked scores (N, h, m, T) of the queries against this segment's T positions.
     *
     * @param mask additive mask broadcastable to (rows, 1, m, T) of this segment, or null
     */
    NDArray scores(NDArray q, NDArray mask, int group);

    /** The weighted sum (N, h, m, d_h) of this segment's values under weights (N, h, m, T). */
    NDArray output(NDArray weights, int group);

    /**
     * Attention over this segment alone: {@code output(softmax(scores))} with attention-weight dropout when
     * training, computed in the layout that suits the form (no conversion to the per-row layout and back).
     */
    NDArray attend(NDArray q, NDArray mask, int group, float dropout, boolean training);
}
