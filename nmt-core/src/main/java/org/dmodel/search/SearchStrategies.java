package org.dmodel.search;

/** Picks the {@link SearchStrategy} that a {@link SearchOptions} asks for. */
public final class SearchStrategies {
    private static final SearchStrategy BEAM = new BeamSearch();
    private static final SearchStrategy GREEDY = new GreedySearch();
    private static final SearchStrategy SAMPLING = new Sampling();

    private SearchStrategies() {}

    /**
     * Sampling with {@code --sampling}, else greedy search for {@code --beam 1}, else beam search. The strategies
     * are stateless and thread-safe; the same instance comes back for the same choice.
     *
     * @throws IllegalArgumentException if the options are inconsistent ({@link SearchOptions#checkConsistent()})
     */
    public static SearchStrategy forOptions(SearchOptions options) {
        options.checkConsistent();
        if (options.sampling()) {
            return SAMPLING;
        }
        return options.beam() == 1 ? GREEDY : BEAM;
    }
}
