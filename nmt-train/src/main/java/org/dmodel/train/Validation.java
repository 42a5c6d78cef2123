package org.dmodel.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.dmodel.data.BinarizedDataset;
import org.dmodel.data.BitextBatch;
import org.dmodel.data.TokenBatcher;
import org.dmodel.engine.Engines;
import org.dmodel.io.TestHooks;
import org.dmodel.metric.Bleu;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.search.Hypothesis;
import org.dmodel.search.SearchOptions;
import org.dmodel.search.SearchStrategies;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Tokenizer;

/**
 * Validation during training: label-smoothed loss and NLL on the binarized validation set, and, when a
 * beam size is given, sacreBLEU-compatible BLEU of the detokenized greedy/beam output against the raw
 * reference lines. Not thread-safe.
 */
public final class Validation {
    private static final double LN2 = Math.log(2);
    private final BinarizedDataset valid;
    private final int maxTokens;
    private final SpecialIds ids;
    private final LabelSmoothedLoss criterion;
    private final int beam;
    private final int[][] bleuSources;
    private final List<String> references;
    private final Tokenizer target;

    /**
     * @param bleuSources source ids (each ending with EOS) of the sentences scored for BLEU
     * @param references their raw reference lines
     */
    public Validation(BinarizedDataset valid, int maxTokens, SpecialIds ids, LabelSmoothedLoss criterion, int beam,
            int[][] bleuSources, List<String> references, Tokenizer target) {
        this.valid = valid;
        this.maxTokens = maxTokens;
        this.ids = ids;
        this.criterion = criterion;
        this.beam = beam;
        this.bleuSources = bleuSources;
        this.references = references;
        this.target = target;
    }

    /** One validation's figures. */
    public record Result(double lossBits, double nllBits, double bleu, boolean hasBleu) {
        /** The figure that selects {@code checkpoint_best}: BLEU when measured, else the loss. */
        public double metric() {
            return hasBleu ? bleu : lossBits;
        }

        /** True when this result beats a previous {@link #metric()}. */
        public boolean betterThan(double previous) {
            return hasBleu ? bleu > previous : lossBits < previous;
        }

        String describe() {
            String s = String.format(java.util.Locale.ROOT, "loss %.3f | nll %.3f | ppl %.2f", lossBits, nllBits,
                    Math.pow(2, nllBits));
            return hasBleu ? s + String.format(java.util.Locale.ROOT, " | bleu %.2f", bleu) : s;
        }

        JsonObject toJson() {
            JsonObject o = new JsonObject();
            o.addProperty("loss", lossBits);
            o.addProperty("nll", nllBits);
            o.addProperty("ppl", Math.pow(2, nllBits));
            if (hasBleu) {
                o.addProperty("bleu", bleu);
            }
            return o;
        }
    }

    /** Runs validation with the model's current parameters (no dropout; autograd off in this thread meanwhile). */
    public Result run(Seq2SeqModel model, NDManager parent) {
        TestHooks.reached("validation", null);
        try (Engines.GradientsOff off = Engines.gradientsOff()) {
            return measure(model, parent);
        }
    }

    private Result measure(Seq2SeqModel model, NDManager parent) {
        double loss = 0;
        double nll = 0;
        long tokens = 0;
        TokenBatcher batcher = TokenBatcher.create(valid, maxTokens, 0);
        for (int b = 0; b < batcher.batchCount(); b++) {
            int[] indices = batcher.batch(b);
            try (NDManager m = parent.newSubManager()) {
                BitextBatch batch = BitextBatch.collate(valid, indices, ids);
                BitextBatch.Tensors a = batch.toNDArrays(m);
                NDArray logits = model.logits(new ParameterStore(m, false), a.source(), a.targetIn(), false);
                LabelSmoothedLoss.Sums s = criterion.compute(logits, a.targetOut());
                loss += s.loss().getFloat();
                nll += s.nll().getFloat();
                tokens += batch.targetTokens();
            }
        }
        double lossBits = loss / Math.max(1, tokens) / LN2;
        double nllBits = nll / Math.max(1, tokens) / LN2;
        if (beam <= 0 || bleuSources.length == 0) {
            return new Result(lossBits, nllBits, Double.NaN, false);
        }
        SearchOptions options = SearchOptions.DEFAULTS.withBeam(beam).withSpecialIds(ids).withMaxLen(1.2, 10);
        List<String> hyps = new ArrayList<>(bleuSources.length);
        int chunk = 64;
        for (int start = 0; start < bleuSources.length; start += chunk) {
            int[][] part = java.util.Arrays.copyOfRange(bleuSources, start, Math.min(bleuSources.length, start + chunk));
            try (NDManager m = parent.newSubManager()) {
                for (List<Hypothesis> n : SearchStrategies.forOptions(options).search(model, part, options, m)) {
                    hyps.add(n.isEmpty() ? "" : target.decode(n.get(0).tokens()));
                }
            }
        }
        double bleu = new Bleu(Bleu.Options.defaults()).corpusScore(hyps, List.of(references)).score();
        return new Result(lossBits, nllBits, bleu, true);
    }
}
