package org.dmodel.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.engine.Engines;
import org.dmodel.engine.Int8Weights;
import org.dmodel.search.DecoderState;
import org.dmodel.search.Hypothesis;
import org.dmodel.search.SearchOptions;
import org.dmodel.search.Shortlist;
import org.dmodel.testing.TestModels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Decoding with the int8 copies of the weights ({@link Seq2SeqModel#decodeInInt8}): step log-probabilities follow
 * float32 within quantization rounding, and a sentence decodes the same alone as in a batch, with and without a
 * shortlist (each input row is quantized on its own).
 */
class Int8DecodingTest {
    /**
     * Largest |int8 − float32| log-probability over four steps, as a share of the float32 log-probabilities' spread
     * (max − min); seen: 1.0–1.4 % on these d = 32 models.
     */
    private static final double TOLERANCE = 0.04;

    /** The shortlist test's three models, plus LWC MHA with the position-gated output projection. */
    static List<ModelConfig> models() {
        List<ModelConfig> models = new ArrayList<>(
                ShortlistDecodingTest.models().stream().map(a -> (ModelConfig) a.get()[0]).toList());
        models.add(TestModels.config(ModelConfig.Architecture.LWC, "mha").toBuilder()
                .outputProjection(ModelConfig.OutputProjection.PG_OP).build());
        return models;
    }

    @ParameterizedTest
    @MethodSource("models")
    void stepLogProbabilitiesFollowFloat32(ModelConfig config) {
        TestModels.seed(11);
        int[][] sources = TestModels.sources(new Random(12), 6, 3, 5);
        try (Model model = Models.newModel(config, Device.cpu()); Int8Weights int8 = new Int8Weights();
             NDManager m = NDManager.newBaseManager(); Engines.GradientsOff off = Engines.gradientsOff()) {
            Seq2SeqModel block = (Seq2SeqModel) model.getBlock();
            randomBiases(block, m);
            DecoderState exact = block.encode(sources, 2, m);
            block.decodeInInt8(int8);
            DecoderState quantized = block.encode(sources, 2, m);
            block.decodeInInt8(null);
            int[] tokens = new int[sources.length * 2];
            Arrays.fill(tokens, TestModels.IDS.bos());
            double worst = 0;
            double spread = 0;
            for (int t = 0; t < 4; t++) {
                NDArray e = block.step(exact, tokens, m);
                NDArray q = block.step(quantized, tokens, m);
                worst = Math.max(worst, e.sub(q).abs().max().getFloat());
                spread = Math.max(spread, e.max().getFloat() - e.min().getFloat());
                long[] next = e.argMax(1).toLongArray();
                for (int r = 0; r < tokens.length; r++) {
                    tokens[r] = (int) next[r];
                }
            }
            exact.close();
            quantized.close();
            assertTrue(worst <= TOLERANCE * spread, config + ": int8 log-probabilities differ by " + worst
                    + ", their spread is " + spread);
            assertTrue(worst > 0, config + ": the int8 steps equal float32 exactly; not quantized?");
        }
    }

    /** Biases start at zero; random ones make their path through the int8 products count. */
    private static void randomBiases(Seq2SeqModel block, NDManager m) {
        block.getParameters().forEach(p -> {
            if (p.getKey().endsWith("bias")) {
                NDArray b = p.getValue().getArray();
                b.addi(m.randomNormal(0, 0.5f, b.getShape(), b.getDataType()));
            }
        });
    }

    @ParameterizedTest
    @MethodSource("models")
    void aSentenceDecodesAloneAsInItsBatch(ModelConfig config) {
        TestModels.seed(13);
        int[][] sources = TestModels.sources(new Random(14), 5, 2, 7, 4);
        Shortlist shortlist = new Shortlist(ShortlistDecodingTest.lexicon(), 0, 2, TestModels.IDS, TestModels.VOCAB,
                false);
        try (Model model = Models.newModel(config, Device.cpu()); Int8Weights int8 = new Int8Weights()) {
            Seq2SeqModel block = (Seq2SeqModel) model.getBlock();
            block.decodeInInt8(int8);
            SearchOptions beam = ShortlistDecodingTest.options(3);
            for (SearchOptions options : List.of(beam, beam.withShortlist(shortlist))) {
                List<List<Hypothesis>> batched = ShortlistDecodingTest.decode(model, sources, options);
                for (int i = 0; i < sources.length; i++) {
                    ShortlistDecodingTest.assertSameHypotheses(
                            ShortlistDecodingTest.decode(model, new int[][] {sources[i]}, options),
                            List.of(batched.get(i)), "int8, sentence " + i + " alone (" + options + ")");
                }
            }
        }
    }
}
