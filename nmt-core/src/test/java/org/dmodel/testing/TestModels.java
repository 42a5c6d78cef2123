package org.dmodel.testing;

import ai.djl.engine.Engine;
import java.util.Random;
import org.dmodel.config.AttentionSpec;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelOptions;
import org.dmodel.config.VocabInfo;
import org.dmodel.text.SpecialIds;

/** Small configurations and random batches for model tests (vocabulary of 40, d 32, 4 heads). */
public final class TestModels {
    /** Vocabulary size of the test models. */
    public static final int VOCAB = 40;
    /** Special ids of the test vocabulary. */
    public static final SpecialIds IDS = SpecialIds.DEFAULT;

    private TestModels() {}

    /** A dropout-free config of the given architecture and per-layer specs ({@code --attention} syntax). */
    public static ModelConfig config(ModelConfig.Architecture arch, String specs) {
        return config(arch, specs, ModelConfig.Parameterization.STANDARD);
    }

    /** As {@link #config(ModelConfig.Architecture, String)} with a parameterization and its defaults. */
    public static ModelConfig config(ModelConfig.Architecture arch, String specs, ModelConfig.Parameterization param) {
        java.util.List<AttentionSpec> list = ModelOptions.parseSpecs(specs);
        return ModelConfig.builder().architecture(arch).parameterization(param).layers(list.size() == 1 ? 2 : list.size())
                .dModel(32).heads(4).ffnDim(64).dropout(0).attentionDropout(0).maxPositions(64).attention(list)
                .vocab(new VocabInfo(VOCAB, IDS)).build();
    }

    /** Tolerance on the L2 norm of a weight vector that should be a unit vector (float32 after renormalizing). */
    public static final double UNIT_NORM = 1e-5;

    /**
     * Asserts that every matrix of a normalized (ngpt/nugpt) block has unit-norm d-vectors (papers.md §3.1):
     * columns of the attention and FFN output projections (they write the model dimension), rows of every other
     * matrix, within {@link #UNIT_NORM}. Decides the axis from the parameter names, independently of the model's
     * own bookkeeping. Returns how many matrices it checked.
     */
    public static int assertUnitNorms(ai.djl.nn.Block block, String what) {
        int matrices = 0;
        for (ai.djl.util.Pair<String, ai.djl.nn.Parameter> p : block.getParameters()) {
            ai.djl.ndarray.NDArray w = p.getValue().getArray();
            if (w.getShape().dimension() != 2) {
                continue;
            }
            String name = p.getKey();
            // names carry DJL's child-index prefixes: 02layer00_01attention_02output_weight
            int axis = name.matches(".*[aA]ttention_\\d*output_weight") || name.matches(".*ffn_\\d*out_weight") ? 0 : 1;
            float[] norms;
            try (ai.djl.ndarray.NDArray n = w.norm(new int[] {axis})) {
                norms = n.toFloatArray();
            }
            for (int i = 0; i < norms.length; i++) {
                org.junit.jupiter.api.Assertions.assertEquals(1.0, norms[i], UNIT_NORM,
                        what + ": " + name + " vector " + i + " along axis " + axis);
            }
            matrices++;
        }
        return matrices;
    }

    /** Seeds DJL's engine RNG so model initialization is reproducible. */
    public static void seed(long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
    }

    /** Source sentences of the given lengths: random non-special ids, ending with EOS. */
    public static int[][] sources(Random random, int... lengths) {
        int[][] s = new int[lengths.length][];
        for (int i = 0; i < lengths.length; i++) {
            s[i] = new int[lengths[i]];
            for (int j = 0; j < lengths[i] - 1; j++) {
                s[i][j] = 4 + random.nextInt(VOCAB - 4);
            }
            s[i][lengths[i] - 1] = IDS.eos();
        }
        return s;
    }

    /** Target inputs: BOS followed by random non-special ids, all of length {@code t}. */
    public static int[][] targets(Random random, int sentences, int t) {
        int[][] y = new int[sentences][t];
        for (int i = 0; i < sentences; i++) {
            y[i][0] = IDS.bos();
            for (int j = 1; j < t; j++) {
                y[i][j] = 4 + random.nextInt(VOCAB - 4);
            }
        }
        return y;
    }

    /** Length of the longest row. */
    public static int maxLength(int[][] rows) {
        int n = 0;
        for (int[] r : rows) {
            n = Math.max(n, r.length);
        }
        return n;
    }

    /** Rows padded with the pad id to {@code width}, flattened row-major. */
    public static int[] padded(int[][] rows, int width) {
        int[] flat = new int[rows.length * width];
        java.util.Arrays.fill(flat, IDS.pad());
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, rows[i].length);
        }
        return flat;
    }
}
