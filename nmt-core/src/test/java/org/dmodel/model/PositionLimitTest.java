package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.search.Hypothesis;
import org.dmodel.search.SearchOptions;
import org.dmodel.search.SearchStrategies;
import org.dmodel.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model reports how many output tokens its position table leaves room for ({@code maxOutputLength}), and decoding
 * reaches exactly that far: with EOS forbidden until then (--min-len) every hypothesis ends at the last position,
 * one more would need a position the model does not have.
 */
class PositionLimitTest {
    private static final int POSITIONS = 16;

    /** The config, and whether the target's positions continue the source's (LWC with RoPE). */
    static List<Arguments> models() {
        return List.of(
                Arguments.of(TestModels.config(Architecture.ENCDEC, "mha"), false),
                Arguments.of(TestModels.config(Architecture.LWC, "tpa:2/1/2"), true),
                Arguments.of(TestModels.config(Architecture.LWC, "mha").toBuilder()
                        .positions(ModelConfig.Positions.SINUSOIDAL).build(), false));
    }

    @ParameterizedTest
    @MethodSource("models")
    void decodingReachesTheLastPositionTheModelHas(ModelConfig base, boolean continuous) {
        TestModels.seed(7);
        ModelConfig config = base.toBuilder().maxPositions(POSITIONS).build();
        int[][] sources = TestModels.sources(new Random(3), 3, 6);
        try (Model model = Models.newModel(config, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
            Seq2SeqModel block = (Seq2SeqModel) model.getBlock();
            for (int[] source : sources) {
                // the BOS takes the first target position: POSITIONS − 1 after it, minus the source's when continued
                int expected = POSITIONS - 1 - (continuous ? source.length : 0);
                assertEquals(expected, block.maxOutputLength(source.length));
                for (int beam : new int[] {1, 2}) {
                    SearchOptions options = SearchOptions.DEFAULTS.withBeam(beam).withMaxLen(0, 200)
                            .withMinLen(expected).withSpecialIds(TestModels.IDS);
                    List<List<Hypothesis>> out = SearchStrategies.forOptions(options)
                            .search(block, new int[][] {source}, options, m);
                    assertEquals(expected, out.get(0).get(0).tokens().length, "beam " + beam);
                }
            }
        }
    }
}
