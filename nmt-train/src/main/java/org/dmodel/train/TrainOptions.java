package org.dmodel.train;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;

/**
 * The optimisation and bookkeeping options of {@code nmt-train}, declared once (flag, default, help) and
 * turned into a {@link TrainConfig}. Defaults follow fairseq's transformer recipes where they exist.
 */
public final class TrainOptions {
    private TrainOptions() {}

    /** Adds the options to {@code table}. */
    public static void declare(OptionTable t) {
        t.value("save-dir", null, "DIR", "checkpoints", "where checkpoints, metrics.jsonl and the training curve go");
        t.value("max-tokens", null, "N", "4096", "tokens per batch: sentences × longest padded side, as fairseq --max-tokens");
        t.value("update-freq", null, "N", "1", "batches whose gradients are summed into one update");
        t.value("max-steps", null, "N", "0", "stop after N updates (0: no limit)");
        t.value("max-epochs", null, "N", "0", "stop after N epochs (0: no limit)");
        t.value("time-budget", null, "SECONDS", "0", "stop after this much training time, with a checkpoint (0: no limit)");
        t.value("lr", null, "LR", "5e-4", "peak learning rate");
        t.value("warmup-steps", null, "N", "4000", "linear warm-up updates");
        t.value("lr-scheduler", null, "NAME", "inverse_sqrt", "inverse_sqrt, cosine (to 0 at --max-steps) or fixed");
        t.value("adam-betas", null, "B1,B2", "0.9,0.98", "Adam betas");
        t.value("adam-eps", null, "EPS", "1e-8", "Adam epsilon");
        t.value("weight-decay", null, "WD", "0.0", "decoupled weight decay (matrices only; not embeddings, norms, biases)");
        t.value("clip-norm", null, "NORM", "0.0", "clip gradients to this global L2 norm (0: off)");
        t.value("label-smoothing", null, "EPS", "0.1", "label smoothing");
        t.value("seed", null, "N", "1", "random seed (data order, initialization, dropout)");
        t.value("validate-every", null, "N", "0", "validate (and write checkpoint_last) every N updates (0: each epoch)");
        t.value("save-every", null, "N", "0", "also keep a numbered checkpoint every N updates (0: off)");
        t.value("keep-last", null, "N", "5", "numbered checkpoints to keep (0: all)");
        t.value("patience", null, "N", "0", "stop after N validations without improvement (0: off)");
        t.value("valid-beam", null, "N", "1", "beam for validation BLEU on detokenized output (1: greedy, 0: loss only)");
        t.value("max-nan-in-row", null, "N", "10", "stop after N consecutive updates with a non-finite loss");
        t.value("log-every", null, "N", "100", "updates between progress lines");
    }

    /** Reads the options into a {@link TrainConfig}. */
    public static TrainConfig resolve(CommandLine cmd, OptionTable t) {
        String[] betas = t.require(cmd, "adam-betas").split(",");
        if (betas.length != 2) {
            throw new UsageException("--adam-betas " + t.get(cmd, "adam-betas") + ": expected two numbers, e.g. 0.9,0.98");
        }
        double beta1;
        double beta2;
        try {
            beta1 = Double.parseDouble(betas[0].trim());
            beta2 = Double.parseDouble(betas[1].trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--adam-betas " + t.get(cmd, "adam-betas") + ": expected two numbers, e.g. 0.9,0.98");
        }
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new UsageException("--adam-betas " + t.get(cmd, "adam-betas") + ": each must be in [0, 1)");
        }
        long maxSteps = t.getInt(cmd, "max-steps", 0);
        LrSchedule.Kind kind;
        try {
            kind = LrSchedule.Kind.parse(t.require(cmd, "lr-scheduler"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            LrSchedule schedule = new LrSchedule(kind, t.getDouble(cmd, "lr", Double.MIN_NORMAL, Double.MAX_VALUE), t.getInt(cmd, "warmup-steps", 0),
                    maxSteps);
            return new TrainConfig(Path.of(t.require(cmd, "save-dir")), t.getInt(cmd, "max-tokens", 1),
                    t.getInt(cmd, "update-freq", 1), maxSteps, t.getInt(cmd, "max-epochs", 0), schedule, beta1, beta2,
                    t.getDouble(cmd, "adam-eps", 0, 1), t.getDouble(cmd, "weight-decay", 0, 1),
                    t.getDouble(cmd, "clip-norm", 0, Double.MAX_VALUE), t.getDouble(cmd, "label-smoothing", 0, 0.999),
                    t.getInt(cmd, "seed", 0), t.getInt(cmd, "validate-every", 0), t.getInt(cmd, "save-every", 0),
                    t.getInt(cmd, "keep-last", 0), t.getInt(cmd, "patience", 0), t.getInt(cmd, "valid-beam", 0),
                    t.getInt(cmd, "max-nan-in-row", 1), t.getInt(cmd, "log-every", 1), t.getInt(cmd, "time-budget", 0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
