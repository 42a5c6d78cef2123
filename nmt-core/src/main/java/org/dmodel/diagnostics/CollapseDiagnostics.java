package org.dmodel.diagnostics;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.dmodel.config.ModelConfig;
import org.dmodel.model.Probe;
import org.dmodel.model.Seq2SeqModel;

/**
 * Measures representational collapse (papers.md §4) of a model over teacher-forced sentence pairs: runs
 * {@link Seq2SeqModel#probe} batch by batch and turns each sentence's recording into its own token matrices
 * (padding excluded), then averages the per-sentence statistics into a {@link CollapseReport}.
 *
 * <p>Sides: for {@code lwc} the joint [source ; target] sequence and, from the same stack, its source rows and its
 * target rows; for {@code encdec} the encoder (source) and the decoder (target). Attention statistics of a side use
 * the side's query rows. Layer 0 is the embedding output X₀; layer l ≥ 1 is the output of layer l, and its FFN
 * statistics compare the state entering the FFN sublayer with the one leaving it.
 *
 * <p>Use: {@code add} each probed batch (or call {@link #measure}), then {@link #report}. {@code add} may be
 * called from one thread at a time; it spreads the sentences of a batch over its own worker pool.
 */
public final class CollapseDiagnostics implements AutoCloseable {
    private record Side(String name, Probe.Stack stack, boolean sourceRows, boolean targetRows) {}

    private static final class Stat {
        private double sum;
        private long count;
        private double min = Double.NaN;

        synchronized void add(double v) {
            if (!Double.isNaN(v)) {
                sum += v;
                count++;
                min = Double.isNaN(min) ? v : Math.min(min, v);
            }
        }

        synchronized double mean() {
            return count == 0 ? Double.NaN : sum / count;
        }

        synchronized double min() {
            return min;
        }
    }

    private static final class ModuleStats {
        final Map<String, Stat> metrics = new LinkedHashMap<>();
        final Stat[] headMean;
        final Stat[] headMin;
        volatile double outputWeightRank = Double.NaN;

        ModuleStats(int heads) {
            for (String m : List.of("headOutputCosine", "attentionMapCosine", "headContributionEffectiveRank",
                    "nonIdentifiable")) {
                metrics.put(m, new Stat());
            }
            headMean = newStats(heads);
            headMin = newStats(heads);
        }
    }

    private static final class LayerStats {
        final Map<String, Stat> states = new LinkedHashMap<>();
        final Map<String, ModuleStats> modules = new LinkedHashMap<>();

        LayerStats(boolean hasSublayers) {
            for (String m : CollapseReport.STATE_METRICS) {
                if (hasSublayers || !m.startsWith("spanEscape")) {
                    states.put(m, new Stat());
                }
            }
        }
    }

    private final ModelConfig config;
    private final List<Side> sides;
    private final Map<Side, List<LayerStats>> stats = new LinkedHashMap<>();
    private final Map<Side, Stat> tokens = new LinkedHashMap<>();
    private final ForkJoinPool pool;
    private int sentences;

    /**
     * Empty statistics for a model of {@code config}.
     *
     * @param threads workers computing per-sentence statistics in parallel (≥ 1)
     */
    public CollapseDiagnostics(ModelConfig config, int threads) {
        this.config = config;
        this.sides = config.architecture() == ModelConfig.Architecture.LWC
                ? List.of(new Side("joint", Probe.Stack.JOINT, true, true), new Side("source", Probe.Stack.JOINT, true, false),
                        new Side("target", Probe.Stack.JOINT, false, true))
                : List.of(new Side("source", Probe.Stack.ENCODER, true, false),
                        new Side("target", Probe.Stack.DECODER, false, true));
        for (Side side : sides) {
            List<LayerStats> layers = new ArrayList<>();
            for (int l = 0; l <= config.layers(); l++) {
                layers.add(new LayerStats(l > 0));
            }
            stats.put(side, layers);
            tokens.put(side, new Stat());
        }
        this.pool = new ForkJoinPool(Math.max(1, threads));
    }

    /**
     * Probes {@code model} on sentence pairs and returns the averaged statistics.
     *
     * @param sources source ids per sentence, each ending with EOS, no padding
     * @param targetsIn teacher-forced target inputs, each [BOS] + tokens, no padding
     * @param batchSentences sentences per forward pass
     * @param manager parent of the arrays of each pass (on the model's device); holds nothing new afterwards
     */
    public static CollapseReport measure(Seq2SeqModel model, List<int[]> sources, List<int[]> targetsIn,
                                         int batchSentences, int threads, NDManager manager) {
        if (sources.size() != targetsIn.size()) {
            throw new IllegalArgumentException(sources.size() + " sources but " + targetsIn.size() + " targets");
        }
        try (CollapseDiagnostics d = new CollapseDiagnostics(model.config(), threads)) {
            int pad = model.config().vocab().specialIds().pad();
            for (int from = 0; from < sources.size(); from += batchSentences) {
                List<int[]> src = sources.subList(from, Math.min(sources.size(), from + batchSentences));
                List<int[]> tgt = targetsIn.subList(from, from + src.size());
                int[] sourceLengths = src.stream().mapToInt(a -> a.length).toArray();
                int[] targetLengths = tgt.stream().mapToInt(a -> a.length).toArray();
                int s = IntStream.of(sourceLengths).max().orElse(0);
                int t = IntStream.of(targetLengths).max().orElse(0);
                Probe probe = new Probe();
                try (NDManager m = manager.newSubManager()) {
                    model.probe(new ParameterStore(m, false), m.create(padded(src, s, pad), new Shape(src.size(), s)),
                            m.create(padded(tgt, t, pad), new Shape(tgt.size(), t)), probe);
                }
                d.add(probe, sourceLengths, targetLengths);
            }
            return d.report();
        }
    }

    /**
     * Adds one probed batch.
     *
     * @param sourceLengths real source length of each sentence (the recorded source width is their maximum)
     * @param targetLengths real target-input length of each sentence
     */
    public void add(Probe probe, int[] sourceLengths, int[] targetLengths) {
        int sourceWidth = IntStream.of(sourceLengths).max().orElse(0);
        try {
            pool.submit(() -> IntStream.range(0, sourceLengths.length).parallel().forEach(b -> {
                for (Side side : sides) {
                    addSentence(side, probe.layers(side.stack()), rows(side, sourceLengths[b], targetLengths[b], sourceWidth), b);
                }
            })).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        sentences += sourceLengths.length;
    }

    /** The statistics averaged over every sentence added so far. */
    public CollapseReport report() {
        List<CollapseReport.Side> out = new ArrayList<>();
        for (Side side : sides) {
            List<CollapseReport.Layer> layers = new ArrayList<>();
            List<LayerStats> ls = stats.get(side);
            for (int l = 0; l < ls.size(); l++) {
                Map<String, Double> states = new LinkedHashMap<>();
                ls.get(l).states.forEach((k, v) -> states.put(k, v.mean()));
                Map<String, CollapseReport.Attention> attentions = new LinkedHashMap<>();
                for (Map.Entry<String, ModuleStats> e : ls.get(l).modules.entrySet()) {
                    attentions.put(e.getKey(), attention(e.getValue()));
                }
                layers.add(new CollapseReport.Layer(l, states, attentions));
            }
            out.add(new CollapseReport.Side(side.name(), side.stack().name().toLowerCase(java.util.Locale.ROOT),
                    tokens.get(side).mean(), layers));
        }
        return new CollapseReport(config.architecture().name().toLowerCase(java.util.Locale.ROOT), sentences, out);
    }

    @Override
    public void close() {
        pool.shutdown();
    }

    private CollapseReport.Attention attention(ModuleStats m) {
        int h = m.headMean.length;
        double[] mean = new double[h];
        double[] min = new double[h];
        double meanOfHeads = 0;
        double minOfHeads = Double.NaN;
        for (int i = 0; i < h; i++) {
            mean[i] = m.headMean[i].mean();
            min[i] = m.headMin[i].min();
            meanOfHeads += mean[i] / h;
            minOfHeads = Double.isNaN(minOfHeads) ? min[i] : Math.min(minOfHeads, min[i]);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("entropyMean", meanOfHeads);
        metrics.put("entropyMin", minOfHeads);
        m.metrics.forEach((k, v) -> metrics.put(k, v.mean()));
        metrics.put("outputWeightRank", m.outputWeightRank);
        metrics.put("outputWeightColumns", (double) config.heads() * config.headDim());
        return new CollapseReport.Attention(metrics, mean, min);
    }

    /** The recorded rows of a sentence that belong to a side (padding excluded). */
    private static int[] rows(Side side, int sourceLength, int targetLength, int sourceWidth) {
        IntStream source = side.sourceRows() ? IntStream.range(0, sourceLength) : IntStream.empty();
        int offset = side.stack() == Probe.Stack.JOINT ? sourceWidth : 0;
        IntStream target = side.targetRows() ? IntStream.range(offset, offset + targetLength) : IntStream.empty();
        return IntStream.concat(source, target).toArray();
    }

    private void addSentence(Side side, List<Probe.Layer> layers, int[] rows, int b) {
        List<LayerStats> ls = stats.get(side);
        tokens.get(side).add(rows.length);
        if (rows.length == 0) {
            return;
        }
        double[][] x0 = matrix(layers.get(0).states().get("input"), b, rows);
        addStates(ls.get(0), x0, null, null);
        double[][] basis = Matrices.rowSpace(x0, RankStatistics.tolerance(x0.length, x0[0].length));
        for (int l = 1; l <= layers.size(); l++) {
            Probe.Layer layer = layers.get(l - 1);
            List<String> points = new ArrayList<>(layer.states().keySet());
            String beforeFfn = points.get(points.indexOf("ffn") - 1);
            addStates(ls.get(l), matrix(layer.states().get("ffn"), b, rows),
                    matrix(layer.states().get(beforeFfn), b, rows), basis);
            for (Map.Entry<String, Probe.Heads> e : layer.attentions().entrySet()) {
                ModuleStats m;
                synchronized (ls.get(l)) {
                    m = ls.get(l).modules.computeIfAbsent(e.getKey(), k -> new ModuleStats(config.heads()));
                }
                addAttention(m, e.getValue(), b, rows);
            }
        }
    }

    private static void addStates(LayerStats s, double[][] x, double[][] beforeFfn, double[][] basis) {
        RankStatistics r = RankStatistics.of(x);
        s.states.get("affineRank").add(r.affineRank());
        s.states.get("effectiveRank").add(r.effectiveRank());
        s.states.get("stableRank").add(r.stableRank());
        s.states.get("depthResidual").add(RankStatistics.depthResidual(x));
        if (beforeFfn != null) {
            s.states.get("spanEscapeBeforeFfn").add(RankStatistics.spanEscape(beforeFfn, basis));
            s.states.get("spanEscapeAfterFfn").add(RankStatistics.spanEscape(x, basis));
        }
    }

    private void addAttention(ModuleStats m, Probe.Heads a, int b, int[] rows) {
        long[] ps = a.probabilities().shape(); // (B, h, n, t)
        int h = (int) ps[1];
        int n = (int) ps[2];
        int t = (int) ps[3];
        int dh = (int) a.headOutputs().shape()[3];
        long[] ws = a.outputWeight().shape(); // (d, h·d_h)
        int d = (int) ws[0];
        float[] w = a.outputWeight().data();
        if (Double.isNaN(m.outputWeightRank)) {
            double[][] wo = new double[d][(int) ws[1]];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < ws[1]; j++) {
                    wo[i][j] = w[(int) (i * ws[1] + j)];
                }
            }
            m.outputWeightRank = RankStatistics.rank(Matrices.singularValues(wo), RankStatistics.tolerance(d, (int) ws[1]));
        }
        float[] p = a.probabilities().data();
        float[] o = a.headOutputs().data();
        float[] visible = a.visible().data();
        double[][] maps = new double[h][rows.length * t];
        double[][] outputs = new double[h][rows.length * dh];
        double[][] contributions = new double[h][rows.length * d];
        boolean[] seen = new boolean[t];
        double[] row = new double[t];
        for (int head = 0; head < h; head++) {
            double entropySum = 0;
            int entropyCount = 0;
            double entropyMin = Double.NaN;
            for (int r = 0; r < rows.length; r++) {
                int i = rows[r];
                int pBase = ((b * h + head) * n + i) * t;
                int vBase = (b * n + i) * t;
                for (int k = 0; k < t; k++) {
                    row[k] = p[pBase + k];
                    seen[k] = visible[vBase + k] > 0.5f;
                    maps[head][r * t + k] = row[k];
                }
                double e = AttentionEntropy.normalized(row, seen);
                if (!Double.isNaN(e)) {
                    entropySum += e;
                    entropyCount++;
                    entropyMin = Double.isNaN(entropyMin) ? e : Math.min(entropyMin, e);
                }
                int oBase = ((b * h + head) * n + i) * dh;
                for (int c = 0; c < dh; c++) {
                    outputs[head][r * dh + c] = o[oBase + c];
                }
                for (int j = 0; j < d; j++) { // (o_h W_O^(h)ᵀ)_j = Σ_c o_c W[j, h·d_h + c]
                    double s = 0;
                    int wBase = (int) (j * ws[1]) + head * dh;
                    for (int c = 0; c < dh; c++) {
                        s += o[oBase + c] * (double) w[wBase + c];
                    }
                    contributions[head][r * d + j] = s;
                }
            }
            m.headMean[head].add(entropyCount == 0 ? Double.NaN : entropySum / entropyCount);
            m.headMin[head].add(entropyMin);
        }
        m.metrics.get("headOutputCosine").add(HeadRedundancy.meanPairwiseCosine(outputs));
        m.metrics.get("attentionMapCosine").add(HeadRedundancy.meanPairwiseCosine(maps));
        m.metrics.get("headContributionEffectiveRank").add(HeadRedundancy.effectiveRank(contributions));
        m.metrics.get("nonIdentifiable").add((double) rows.length * (h - 1) * dh); // papers.md §4: n(H−1)d_k
    }

    /** Rows {@code rows} of sentence b of a (B, n, d) recording, as a double matrix. */
    private static double[][] matrix(Probe.Tensor x, int b, int[] rows) {
        int n = (int) x.shape()[1];
        int d = (int) x.shape()[2];
        double[][] out = new double[rows.length][d];
        for (int r = 0; r < rows.length; r++) {
            int base = (b * n + rows[r]) * d;
            for (int j = 0; j < d; j++) {
                out[r][j] = x.data()[base + j];
            }
        }
        return out;
    }

    private static Stat[] newStats(int n) {
        Stat[] s = new Stat[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Stat();
        }
        return s;
    }

    private static int[] padded(List<int[]> rows, int width, int pad) {
        int[] flat = new int[rows.size() * width];
        java.util.Arrays.fill(flat, pad);
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * width, rows.get(i).length);
        }
        return flat;
    }
}
