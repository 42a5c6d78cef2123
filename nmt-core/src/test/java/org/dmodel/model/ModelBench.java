package org.dmodel.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelOptions;
import org.dmodel.engine.Int8Weights;
import org.dmodel.config.Presets;
import org.dmodel.engine.Engines;
import org.dmodel.search.DecoderState;

/**
 * Speed of the models (not a test): forward + backward ms per 4096-token batch (64 × (32 source + 32 target))
 * for the {@code small} preset, both architectures, per attention type; decoding ms per step at batch 1 and 32
 * (32-token sources, 64 steps, random tokens, autograd off as in {@code nmt-translate}), with the arrays one step
 * creates at batch 1 (each is the result of one native tensor operation called through JNI, so this counts a step's
 * native calls).
 *
 * <p>Run: {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1
 * -cp <test classpath> org.dmodel.model.ModelBench [--steps 6] [--warmup 2] [--specs mha,gqa:2,tpa:6/2/2]
 * [--arch encdec,lwc] [--large-batch 32] [--decode-warmup 25] [--train false] [--precision float32|int8]}
 * ({@code int8}: decoding through the int8 copies of the weights, as {@code nmt-translate --precision int8}). Decoding gets its own warm-up
 * (25 runs of 64 steps): the JIT compiler works on the decoding path for about 20 runs, and while it does it takes
 * CPU from the intra-op threads (batch 1 on 2 cores: 5–7 ms/step in the first two runs, 1.7–1.9 after twenty).
 * Run it with the launchers' {@code -XX:+UseSerialGC -Xmn16m}: G1's concurrent threads slow batch 1 the same way.
 */
public final class ModelBench {
    private ModelBench() {}

    public static void main(String[] args) {
        int steps = 6;
        int warmup = 2;
        String specs = "mha,gqa:2,tpa:6/2/2,tpa-kv:2/2";
        String archs = "encdec,lwc";
        int largeBatch = 32;
        int decodeWarmup = 25;
        boolean train = true;
        boolean int8 = false;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--specs" -> specs = args[i + 1];
                case "--arch" -> archs = args[i + 1];
                case "--large-batch" -> largeBatch = Integer.parseInt(args[i + 1]);
                case "--decode-warmup" -> decodeWarmup = Integer.parseInt(args[i + 1]);
                case "--train" -> train = Boolean.parseBoolean(args[i + 1]);
                case "--precision" -> int8 = args[i + 1].equals("int8");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Engine.getInstance().setRandomSeed(1);
        System.out.printf("%-7s %-12s %10s %14s %13s %14s %12s%n", "arch", "attention", "params", "fwd+bwd ms",
                "decode b1 ms", "decode b" + largeBatch + " ms", "arrays/step");
        for (String arch : archs.split(",")) {
            for (String spec : specs.split(",")) {
                ModelConfig c = Presets.of("small")
                        .architecture(ModelConfig.parseEnum(ModelConfig.Architecture.class, "arch", arch))
                        .attention(ModelOptions.parseSpecs(spec)).build();
                try (Model model = Models.newModel(c, Device.cpu()); Int8Weights copies = new Int8Weights()) {
                    Seq2SeqModel block = Models.block(model);
                    double trainMs = train ? trainStep(block, steps, warmup) : Double.NaN;
                    block.decodeInInt8(int8 ? copies : null);
                    double[] d1 = decodeStep(block, 1, decodeWarmup);
                    double[] d32 = decodeStep(block, largeBatch, decodeWarmup);
                    System.out.printf("%-7s %-12s %10d %14.1f %13.2f %14.2f %12.0f%n", arch, spec,
                            ModelSummary.parameters(c), trainMs, d1[0], d32[0], d1[1]);
                }
            }
        }
    }

    /** Median ms of forward + backward (cross-entropy) on a 64 × (32 + 32) batch. */
    private static double trainStep(Seq2SeqModel block, int steps, int warmup) {
        Random random = new Random(1);
        int b = 64;
        int n = 32;
        int v = block.vocabSize();
        double[] times = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray source = m.create(ids(random, b * n, v), new Shape(b, n));
                NDArray target = m.create(ids(random, b * n, v), new Shape(b, n));
                NDArray labels = m.create(ids(random, b * n, v), new Shape(b, n)).toType(ai.djl.ndarray.types.DataType.INT64, false);
                ParameterStore ps = new ParameterStore(m, false);
                long t0 = System.nanoTime();
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray logits = block.logits(ps, source, target, true);
                    NDArray nll = logits.logSoftmax(2).gather(labels.expandDims(2), 2).neg().mean(); // CE
                    gc.backward(nll);
                }
                for (Pair<String, Parameter> p : block.getParameters()) {
                    NDArray g = p.getValue().getArray().getGradient();
                    g.attach(m);
                    g.subi(g);
                }
                if (i >= warmup) {
                    times[i - warmup] = (System.nanoTime() - t0) / 1e6;
                }
            }
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }

    /**
     * Ms per step with {@code batch} 32-token sources (greedy: beam 1): the median over 5 runs of each run's mean over
     * 64 steps, after warm-up runs; and the mean number of arrays a step creates.
     */
    private static double[] decodeStep(Seq2SeqModel block, int batch, int warmup) {
        Random random = new Random(2);
        int v = block.vocabSize();
        int[][] sources = new int[batch][];
        for (int s = 0; s < batch; s++) {
            sources[s] = ids(random, 32, v);
        }
        int runs = 5;
        double[] perRun = new double[runs];
        long arrays = 0;
        for (int run = 0; run < warmup + runs; run++) {
            try (Engines.GradientsOff off = Engines.gradientsOff(); NDManager m = NDManager.newBaseManager();
                 DecoderState state = block.encode(sources, 1, m)) {
                int[] tokens = new int[batch];
                Arrays.fill(tokens, 2);
                long t0 = System.nanoTime();
                for (int t = 0; t < 64; t++) {
                    try (NDManager step = m.newSubManager()) {
                        block.step(state, tokens, step);
                        if (run >= warmup) {
                            arrays += step.getManagedArrays().size();
                        }
                    }
                    for (int r = 0; r < batch; r++) {
                        tokens[r] = 4 + random.nextInt(v - 4);
                    }
                }
                if (run >= warmup) {
                    perRun[run - warmup] = (System.nanoTime() - t0) / 1e6 / 64;
                }
            }
        }
        Arrays.sort(perRun);
        return new double[] {perRun[runs / 2], arrays / (64.0 * runs)};
    }

    private static int[] ids(Random random, int n, int v) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = 4 + random.nextInt(v - 4);
        }
        return x;
    }
}
