package org.dmodel.config;

import java.util.Locale;

/**
 * Which attention one layer uses, with its sizes: multi-head, grouped-query (multi-query when
 * {@code kvHeads == 1}) or tensor-product attention (papers.md §2).
 *
 * <p>Written as text on the command line ({@code mha}, {@code mqa}, {@code gqa:2}, {@code tpa:6/2/2},
 * {@code tpa-kv:2/2}) and as a JSON object in {@code config.json}; {@link #parse} and {@link #toString} round-trip.
 * Checks that need the model's head count live in {@link ModelConfig}. Immutable.
 */
public sealed interface AttentionSpec permits AttentionSpec.Mha, AttentionSpec.Gqa, AttentionSpec.Tpa {

    /** Standard multi-head attention: h query heads, h key/value heads. */
    record Mha() implements AttentionSpec {
        @Override
        public String toString() {
            return "mha";
        }
    }

    /** Grouped-query attention with {@code kvHeads} key/value heads shared by groups of query heads. */
    record Gqa(int kvHeads) implements AttentionSpec {
        public Gqa {
            if (kvHeads < 1) {
                throw new IllegalArgumentException("gqa kvHeads=" + kvHeads + " must be at least 1");
            }
        }

        @Override
        public String toString() {
            return kvHeads == 1 ? "mqa" : "gqa:" + kvHeads;
        }
    }

    /**
     * Tensor-product attention: keys and values (and queries when {@code rankQ > 0}) are sums of
     * {@code rank} outer products of a head factor and a feature factor. {@code rankQ == 0} is the K/V-only
     * variant, whose queries come from an ordinary projection.
     */
    record Tpa(int rankQ, int rankK, int rankV) implements AttentionSpec {
        public Tpa {
            if (rankQ < 0 || rankK < 1 || rankV < 1) {
                throw new IllegalArgumentException("tpa ranks rankQ=" + rankQ + " rankK=" + rankK + " rankV=" + rankV
                        + " must be positive (rankQ 0 only for tpa-kv)");
            }
        }

        /** The K/V-only variant: queries are not factorized. */
        public static Tpa keyValueOnly(int rankK, int rankV) {
            return new Tpa(0, rankK, rankV);
        }

        /** True when queries are factorized too (not the K/V-only variant). */
        public boolean queryFactorized() {
            return rankQ > 0;
        }

        @Override
        public String toString() {
            return queryFactorized() ? "tpa:" + rankQ + "/" + rankK + "/" + rankV : "tpa-kv:" + rankK + "/" + rankV;
        }
    }

    /** Multi-head attention. */
    AttentionSpec MHA = new Mha();

    /**
     * Parses one spec: {@code mha}, {@code mqa}, {@code gqa:G}, {@code tpa:RQ/RK/RV} or {@code tpa-kv:RK/RV}.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    static AttentionSpec parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.equals("mha")) {
                return MHA;
            }
            if (s.equals("mqa")) {
                return new Gqa(1);
            }
            if (s.startsWith("gqa:")) {
                return new Gqa(Integer.parseInt(s.substring(4)));
            }
            if (s.startsWith("tpa:")) {
                int[] r = ranks(s.substring(4), 3);
                return new Tpa(r[0], r[1], r[2]);
            }
            if (s.startsWith("tpa-kv:")) {
                int[] r = ranks(s.substring(7), 2);
                return Tpa.keyValueOnly(r[0], r[1]);
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("attention spec '" + text + "': expected mha, mqa, gqa:G, tpa:RQ/RK/RV"
                + " or tpa-kv:RK/RV (e.g. tpa:6/2/2)");
    }

    private static int[] ranks(String text, int count) {
        String[] parts = text.split("/", -1);
        if (parts.length != count) {
            throw new NumberFormatException(text);
        }
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = Integer.parseInt(parts[i]);
        }
        return r;
    }
}
