package org.dmodel.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelOptions;
import org.dmodel.config.Presets;
import org.dmodel.config.VocabInfo;
import org.dmodel.engine.PeakMemory;
import org.dmodel.model.Models;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.text.SpecialIds;

/**
 * Training throughput with the shapes of {@code shared/bench/bench_torch.py}: small preset (d 256, 4 heads,
 * FFN 1024, 3+3 layers, or a 3-layer lwc stack), RoPE, tied embeddings, vocabulary 8000, dropout 0.1, batches
 * of 64 × (32 source + 32 target) random ids; "fwd+bwd" and a full "train step" (plus global-norm clipping and
 * AdamW), after warm-up steps. Not a test: run with
 * {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1
 * -cp <nmt-train test classpath> org.dmodel.train.TrainBench [--arch encdec] [--attention mha] [--steps 6]
 * [--warmup 2]}.
 */
public final class TrainBench {
    private TrainBench() {}

    public static void main(String[] args) {
        String arch = "encdec";
        String attention = "mha";
        int steps = 6;
        int warmup = 2;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--arch" -> arch = args[i + 1];
                case "--attention" -> attention = args[i + 1];
                case "--steps" -> steps = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int vocab = 8000;
        int batch = 64;
        int len = 32;
        ModelConfig config = Presets.of("small")
                .architecture(ModelConfig.parseEnum(ModelConfig.Architecture.class, "--arch", arch))
                .attention(ModelOptions.parseSpecs(attention))
                .positions(ModelConfig.Positions.ROPE)
                .vocab(new VocabInfo(vocab, SpecialIds.DEFAULT))
                .build();
        Engine.getInstance().setRandomSeed(0);
        try (Model model = Models.newModel(config, ai.djl.Device.cpu())) {
            Seq2SeqModel block = Models.block(model);
            List<Pair<String, Parameter>> params = new ArrayList<>();
            block.getParameters().forEach(params::add);
            AdamW opt = new AdamW(model.getNDManager(), params, Map.of(), 0.9, 0.98, 1e-9, 0);
            LabelSmoothedLoss criterion = new LabelSmoothedLoss(0.1, 0);
            Random r = new Random(0);
            int[] src = new int[batch * len];
            int[] tin = new int[batch * len];
            int[] tout = new int[batch * len];
            for (int i = 0; i < src.length; i++) {
                src[i] = 4 + r.nextInt(vocab - 4);
                tin[i] = 4 + r.nextInt(vocab - 4);
                tout[i] = 4 + r.nextInt(vocab - 4);
            }
            long tokens = 2L * batch * len;
            System.out.printf(Locale.ROOT, "dmodel %s %s params=%d tokens/batch=%d threads=%s%n", arch, attention,
                    block.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum(), tokens,
                    System.getProperty("ai.djl.pytorch.num_threads", "default"));
            for (String mode : new String[] {"fwd+bwd", "train step"}) {
                double total = 0;
                double min = Double.MAX_VALUE;
                for (int i = 0; i < warmup + steps; i++) {
                    long t0 = System.nanoTime();
                    try (NDManager step = model.getNDManager().newSubManager()) {
                        NDArray s = step.create(src, new Shape(batch, len));
                        NDArray ti = step.create(tin, new Shape(batch, len));
                        NDArray to = step.create(tout, new Shape(batch, len));
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = block.logits(new ParameterStore(step, false), s, ti, true);
                            gc.backward(criterion.compute(logits, to).loss().div(batch * len));
                        }
                        opt.stepFromGradients(step, 1, 1.0, 1e-4, mode.equals("fwd+bwd"));
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (i >= warmup) {
                        total += ms;
                        min = Math.min(min, ms);
                    }
                }
                double mean = total / steps;
                System.out.printf(Locale.ROOT, "%s: %.1f ms/batch, %.0f tokens/s (src+tgt), min %.1f ms%n", mode, mean,
                        tokens / (mean / 1000), min);
            }
            System.out.printf(Locale.ROOT, "peak RSS %d MiB%n", PeakMemory.peakRssBytes() >> 20);
            opt.close();
        }
    }
}
