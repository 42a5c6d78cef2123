package org.dmodel.train;

import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.config.ModelConfig.Parameterization;

/**
 * The optimisation and bookkeeping options of {@code nmt-train}, declared once (flag, default, help) and
 * turned into a {@link TrainConfig}. Defaults follow fairseq's transformer recipes where they exist; for a
 * normalized model ({@code --param ngpt|nugpt}) they follow nGPT's (papers.md §3.1): no warm-up, Adam betas
 * (0.9, 0.95), weight decay 0, and a cosine schedule when {@code --max-steps} is given (else fixed: without
 * warm-up, inverse_sqrt would decay from the first update); explicit flags still win.
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
        t.value("warmup-steps", null, "N", "4000", "linear warm-up updates (--param ngpt/nugpt: 0)");
        t.value("lr-scheduler", null, "NAME", "inverse_sqrt", "inverse_sqrt, cosine (to 0 at --max-steps) or fixed"
                + " (--param ngpt/nugpt: cosine with --max-steps, else fixed)");
        t.value("adam-betas", null, "B1,B2", "0.9,0.98", "Adam betas (--param ngpt/nugpt: 0.9,0.95)");
        t.value("adam-eps", null, "EPS", "1e-8", "Adam epsilon");
        t.value("weight-decay", null, "WD", "0.0", "decoupled weight decay (matrices only; not embeddings, norms, biases)");
        t.value("base-steps", null, "N", "0", "nugpt: updates of the base run the LR was tuned for; the global LR is"
                + " --lr × (max-steps / base-steps)^(-1/3) (0: no horizon scaling)");
        t.value("output-lr-mult", null, "X", "1", "nugpt: extra factor on the output embedding's learning rate");
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

    /** nGPT's Adam betas (papers.md §3.1), the default under ngpt/nugpt. */
    private static final String NORMALIZED_BETAS = "0.9,0.95";

    /** Reads the options for a standard model into a {@link TrainConfig}. */
    public static TrainConfig resolve(CommandLine cmd, OptionTable t) {
        return resolve(cmd, t, Parameterization.STANDARD);
    }

    /**
     * Reads the options into a {@link TrainConfig} for a model of parameterization {@code param}, whose defaults
     * it takes (see the class comment).
     */
    public static TrainConfig resolve(CommandLine cmd, OptionTable t, Parameterization param) {
        boolean normalized = param.normalized();
        String betaText = normalized && !t.has(cmd, "adam-betas") ? NORMALIZED_BETAS : t.require(cmd, "adam-betas");
        String[] betas = betaText.split(",");
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
        int baseSteps = t.getInt(cmd, "base-steps", 0);
        double outputLrMult = t.getDouble(cmd, "output-lr-mult", Double.MIN_NORMAL, Double.MAX_VALUE);
        if (param != Parameterization.NUGPT && (t.has(cmd, "base-steps") || t.has(cmd, "output-lr-mult"))) {
            throw new UsageException("--base-steps and --output-lr-mult apply only to --param nugpt; remove them or"
                    + " train with --param nugpt");
        }
        if (baseSteps > 0 && maxSteps == 0) {
            throw new UsageException("--base-steps " + baseSteps + " needs --max-steps: the learning rate scales with"
                    + " max-steps / base-steps. Give --max-steps N");
        }
        int warmup = normalized && !t.has(cmd, "warmup-steps") ? 0 : t.getInt(cmd, "warmup-steps", 0);
        LrSchedule.Kind kind;
        try {
            kind = !normalized || t.has(cmd, "lr-scheduler") ? LrSchedule.Kind.parse(t.require(cmd, "lr-scheduler"))
                    : maxSteps > 0 ? LrSchedule.Kind.COSINE : LrSchedule.Kind.FIXED;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try {
            LrSchedule schedule = new LrSchedule(kind, t.getDouble(cmd, "lr", Double.MIN_NORMAL, Double.MAX_VALUE), warmup,
                    maxSteps);
            return new TrainConfig(Path.of(t.require(cmd, "save-dir")), t.getInt(cmd, "max-tokens", 1),
                    t.getInt(cmd, "update-freq", 1), maxSteps, t.getInt(cmd, "max-epochs", 0), schedule, beta1, beta2,
                    t.getDouble(cmd, "adam-eps", 0, 1), t.getDouble(cmd, "weight-decay", 0, 1),
                    t.getDouble(cmd, "clip-norm", 0, Double.MAX_VALUE), t.getDouble(cmd, "label-smoothing", 0, 0.999),
                    t.getInt(cmd, "seed", 0), t.getInt(cmd, "validate-every", 0), t.getInt(cmd, "save-every", 0),
                    t.getInt(cmd, "keep-last", 0), t.getInt(cmd, "patience", 0), t.getInt(cmd, "valid-beam", 0),
                    t.getInt(cmd, "max-nan-in-row", 1), t.getInt(cmd, "log-every", 1), t.getInt(cmd, "time-budget", 0),
                    baseSteps, outputLrMult);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
