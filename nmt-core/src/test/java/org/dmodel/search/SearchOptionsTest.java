package org.dmodel.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.Test;

class SearchOptionsTest {
    private static final SearchOptions D = SearchOptions.DEFAULTS;

    @Test
    void defaultsAreFairseqsButForTheSourceRelativeLengthLimit() {
        assertEquals(5, D.beam());
        assertEquals(1.0, D.lenpen());
        assertEquals(3.0, D.maxLenA());
        assertEquals(10, D.maxLenB());
        assertEquals(1, D.minLen());
        assertEquals(1, D.nbest());
        assertEquals(0.0, D.unkPenalty());
        assertEquals(false, D.sampling());
        assertEquals(SpecialIds.DEFAULT, D.specialIds());
    }

    @Test
    void maxLengthIsTheFlooredLinearFunctionOfTheSourceLength() {
        assertEquals(61, D.maxLength(17)); // ⌊3 · 17 + 10⌋
        assertEquals(200, D.withMaxLen(0, 200).maxLength(17));
        assertEquals(13, D.withMaxLen(1.2, 1).maxLength(10)); // ⌊12 + 1⌋
        assertEquals(6, D.withMaxLen(1.5, 2).maxLength(3)); // ⌊4.5 + 2⌋
    }

    @Test
    void withersChangeOneField() {
        SearchOptions o = D.withBeam(8).withNbest(4).withSeed(3).withTopK(10).withSampling(true);
        assertEquals(8, o.beam());
        assertEquals(4, o.nbest());
        assertEquals(3L, o.seed());
        assertEquals(10, o.topK());
        assertEquals(D.lenpen(), o.lenpen());
    }

    @Test
    void badValuesNameTheirOption() {
        assertRejected("--beam", () -> D.withBeam(0));
        assertRejected("--lenpen", () -> D.withLenpen(Double.NaN));
        assertRejected("--max-len-a", () -> D.withMaxLen(-1, 10));
        assertRejected("--max-len-b", () -> D.withMaxLen(0, -1));
        assertRejected("--min-len", () -> D.withMinLen(-1));
        assertRejected("--nbest", () -> D.withNbest(0));
        assertRejected("--unk-penalty", () -> D.withUnkPenalty(Double.POSITIVE_INFINITY));
        assertRejected("--temperature", () -> D.withTemperature(0));
        assertRejected("--top-k", () -> D.withTopK(-1));
        assertRejected("--top-p", () -> D.withTopP(0));
        assertRejected("--top-p", () -> D.withTopP(1.5));
    }

    @Test
    void rulesBetweenFieldsAreCheckedWhenTheSearchStarts() {
        SearchOptions tooMany = D.withNbest(6); // allowed while building: withBeam may follow
        assertRejected("--nbest 6 exceeds --beam 5", tooMany::checkConsistent);
        assertEquals(6, tooMany.withBeam(6).checkConsistent().nbest());
        assertRejected("--top-k 5 only applies with --sampling", () -> D.withTopK(5).checkConsistent());
        assertRejected("--top-p", () -> D.withTopP(0.9).checkConsistent());
        assertRejected("--temperature", () -> D.withTemperature(0.5).checkConsistent());
        assertRejected("--nbest", () -> SearchStrategies.forOptions(tooMany));
    }

    @Test
    void forOptionsPicksTheStrategy() {
        assertInstanceOf(BeamSearch.class, SearchStrategies.forOptions(D));
        assertInstanceOf(GreedySearch.class, SearchStrategies.forOptions(D.withBeam(1)));
        assertInstanceOf(Sampling.class, SearchStrategies.forOptions(D.withSampling(true)));
        assertInstanceOf(Sampling.class, SearchStrategies.forOptions(D.withSampling(true).withBeam(1)));
    }

    private static void assertRejected(String expectedText, Supplier<?> action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::get);
        assertTrue(e.getMessage().contains(expectedText), e.getMessage());
    }
}
