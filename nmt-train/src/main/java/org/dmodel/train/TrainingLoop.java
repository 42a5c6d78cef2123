package org.dmodel.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dmodel.cli.UsageException;
import org.dmodel.data.BinarizedDataset;
import org.dmodel.data.BitextBatch;
import org.dmodel.data.TokenBatcher;
import org.dmodel.engine.PeakMemory;
import org.dmodel.io.AtomicFiles;
import org.dmodel.io.ModelDirectory;
import org.dmodel.io.TestHooks;
import org.dmodel.model.ParameterGroup;
import org.dmodel.model.Seq2SeqModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: token-batched updates with gradient accumulation, label-smoothed cross entropy,
 * global-norm clipping and {@link AdamW}; periodic validation, checkpoints and metrics; exact resume on CPU.
 * A normalized model (ngpt/nugpt) is renormalized after every update, and trains with the per-group learning
 * rates of {@link ParameterGroups}, logged at the start and kept in each checkpoint.
 *
 * <p>Memory: every update runs inside its own NDManager, closed at the end of the update, so the model's
 * manager holds only parameters and the optimizer's moments between updates. Within an update, each layer's
 * intermediate arrays and then the whole forward pass's are closed as soon as they are done (autograd keeps what
 * backward reads; {@link org.dmodel.engine.TorchArrays} says why that is safe). Determinism: the data order is
 * a function of (seed, epoch) and dropout is reseeded from (seed, update), so stopping after update k and
 * resuming gives the same updates k+1… as an uninterrupted run. Not thread-safe; one per JVM (DJL allows one
 * gradient collector at a time).
 */
public final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();
    private static final String STATE_FILE = "trainer-state.json";
    private static final String OPTIMIZER_FILE = "optimizer.bin";
    private static final double LN2 = Math.log(2);
    /** What to do when checkpoint_last cannot be resumed from. */
    static final String RESUME_REMEDY = "To resume, copy an intact checkpoint (a checkpoint_<step> directory) over"
            + " checkpoint_last, or choose a new --save-dir.";

    private final TrainConfig config;
    private final TrainingRun run;
    private final Model model;
    private final Seq2SeqModel block;
    private final BinarizedDataset train;
    private final Validation validation;
    private final Progress progress;
    private final Checkpoints checkpoints;
    private long lastValidatedStep = -1;
    private long lastSavedStep = -1;
    private int signalExitStatus;
    private ParameterGroups lrGroups;

    /**
     * @param run what goes into each checkpoint besides parameters and trainer state (model config, vocabularies)
     * @param validation null for no validation
     */
    public TrainingLoop(TrainConfig config, TrainingRun run, BinarizedDataset train, Validation validation,
            boolean terminal) {
        this.config = config;
        this.run = run;
        this.model = run.model();
        this.block = run.block();
        this.train = train;
        this.validation = validation;
        this.progress = new Progress(System.err, terminal);
        this.checkpoints = new Checkpoints(config.saveDir(), config.keepLast());
    }

    /** What stopped the run. */
    public enum Outcome { MAX_STEPS, MAX_EPOCHS, PATIENCE, TIME_BUDGET, INTERRUPTED }

    /**
     * Trains until an end condition; resumes from {@code checkpoint_last} when present.
     *
     * @return why it stopped (a final checkpoint has been written in every case)
     */
    public Outcome run() throws IOException {
        Files.createDirectories(config.saveDir());
        NDManager root = model.getNDManager();
        List<Pair<String, Parameter>> params = new ArrayList<>();
        block.getParameters().forEach(params::add);
        Map<String, Double> lrScales = normalized() ? learningRateGroups().lrScales(block.parameterGroups()) : Map.of();
        try (AdamW optimizer = new AdamW(root, params, lrScales, config.beta1(), config.beta2(), config.adamEps(),
                        config.weightDecay());
                StopSignal stop = new StopSignal()) {
            TrainerState state = resume(optimizer);
            try (MetricsLog metrics = new MetricsLog(config.saveDir().resolve("metrics.jsonl"), state.step())) {
                Outcome outcome = loop(state, optimizer, metrics, stop);
                signalExitStatus = stop.exitStatus();
                return outcome;
            }
        }
    }

    /**
     * After {@link #run} returned {@link Outcome#INTERRUPTED}: the exit status for the signal that stopped it,
     * {@code 128 + signal number} (130 for SIGINT, 143 for SIGTERM).
     */
    public int signalExitStatus() {
        return signalExitStatus;
    }

    private boolean normalized() {
        return run.config().parameterization().normalized();
    }

    /**
     * The learning-rate groups of a normalized model: those stored in the checkpoint being resumed, else derived
     * from the configs; logged one line per group.
     */
    private ParameterGroups learningRateGroups() throws IOException {
        ParameterGroups derived = ParameterGroups.of(run.config(), config);
        ParameterGroups groups = derived;
        Path stored = run.resumedFrom() == null ? null : run.resumedFrom().resolve(ParameterGroups.FILE);
        if (stored != null && Files.isRegularFile(stored)) {
            groups = ParameterGroups.read(stored);
            if (!groups.equals(derived)) {
                LOG.warn("{} holds other learning-rate groups than these options give ({}); continuing with the"
                        + " checkpoint's", stored, derived.multipliers());
            }
        }
        double lr = config.schedule().peak();
        for (ParameterGroup g : ParameterGroup.values()) {
            LOG.info("lr group {}: {} (--lr × {})", ParameterGroups.key(g),
                    String.format(Locale.ROOT, "%.4e", lr * groups.multiplier(g)),
                    String.format(Locale.ROOT, "%.6f", groups.multiplier(g)));
        }
        lrGroups = groups;
        return groups;
    }

    private TrainerState resume(AdamW optimizer) throws IOException {
        Path last = run.resumedFrom();
        if (last == null) {
            LOG.info("starting a new run in {}", config.saveDir());
            return TrainerState.initial();
        }
        Path optimizerFile = last.resolve(OPTIMIZER_FILE);
        Path stateFile = last.resolve(STATE_FILE);
        if (!Files.isRegularFile(optimizerFile) || !Files.isRegularFile(stateFile)) {
            throw new UsageException(last + ": not a training checkpoint (no " + STATE_FILE + " or " + OPTIMIZER_FILE
                    + "). Choose a new --save-dir.");
        }
        for (String f : new String[] {STATE_FILE, OPTIMIZER_FILE}) {
            if (!ModelDirectory.lists(last, f)) {
                LOG.warn("{}: {} has no checksum in {} (a checkpoint from an older dmodel); resuming without checking"
                        + " it", last, f, ModelDirectory.MANIFEST);
            }
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(optimizerFile), 1 << 16)) {
            optimizer.readState(in, optimizerFile.toString());
        }
        TrainerState s;
        try {
            s = GSON.fromJson(Files.readString(stateFile, StandardCharsets.UTF_8), TrainerState.class);
        } catch (com.google.gson.JsonParseException e) {
            throw new UsageException(stateFile + ": not valid JSON (" + e.getMessage() + "). " + RESUME_REMEDY, e);
        }
        if (s == null || s.format() != TrainerState.FORMAT) {
            throw new UsageException(stateFile + ": trainer state format " + (s == null ? "(none)" : s.format())
                    + " is not supported (expected "
                    + TrainerState.FORMAT + "). Start a new --save-dir.");
        }
        LOG.info("resuming from {} at update {} (epoch {}, batch {})", last, s.step(), s.epoch(), s.batchInEpoch());
        return s;
    }

    private Outcome loop(TrainerState s, AdamW optimizer, MetricsLog metrics, StopSignal stop) throws IOException {
        TokenBatcher batcher = TokenBatcher.create(train, config.maxTokens(), config.seed());
        LabelSmoothedLoss criterion = new LabelSmoothedLoss(config.labelSmoothing(), run.specialIds().pad());
        long startNanos = System.nanoTime();
        double elapsedBefore = s.elapsedSeconds();
        Window window = new Window();
        int epoch = s.epoch();
        int next = s.batchInEpoch();
        long step = s.step();
        TrainerState state = s;
        while (true) {
            TokenBatcher.EpochIterator batches = batcher.epoch(epoch, next);
            while (batches.hasNext()) {
                if (config.maxSteps() > 0 && step >= config.maxSteps()) {
                    return finish(state, optimizer, metrics, Outcome.MAX_STEPS);
                }
                List<int[]> group = new ArrayList<>(config.updateFreq());
                while (group.size() < config.updateFreq() && batches.hasNext()) {
                    group.add(batches.next());
                }
                UpdateResult r = update(group, criterion, optimizer, step + 1);
                next = batches.position();
                double elapsed = elapsedBefore + (System.nanoTime() - startNanos) / 1e9;
                if (r.finite) {
                    step++;
                    window.add(r);
                    state = new TrainerState(TrainerState.FORMAT, step, epoch, next, state.bestMetric(),
                            state.bestStep(), state.validationsWithoutImprovement(), 0, state.nanTotal(), elapsed);
                } else {
                    int inRow = state.nanInRow() + 1;
                    LOG.warn("update {}: non-finite loss or gradient norm; update skipped ({} in a row, {} in total)",
                            step + 1, inRow, state.nanTotal() + 1);
                    state = new TrainerState(TrainerState.FORMAT, step, epoch, next, state.bestMetric(),
                            state.bestStep(), state.validationsWithoutImprovement(), inRow, state.nanTotal() + 1,
                            elapsed);
                    if (inRow >= config.maxNanInRow()) {
                        throw new TrainingDivergedException("stopped after " + inRow
                                + " consecutive updates with a non-finite loss or gradient (--max-nan-in-row "
                                + config.maxNanInRow() + "). Lower --lr, raise --warmup-steps or set --clip-norm;"
                                + " the last good checkpoint is " + checkpoints.path(Checkpoints.LAST));
                    }
                    continue;
                }
                progress.status(statusLine(state, window, batcher.batchCount()));
                if (step % config.logEvery() == 0) {
                    logTrain(state, window, optimizer, metrics);
                    window = new Window();
                }
                boolean validate = config.validateEvery() > 0 && step % config.validateEvery() == 0;
                if (validate) {
                    state = validateAndSave(state, optimizer, metrics);
                    window = new Window(); // throughput counts training time only
                    if (config.patience() > 0 && state.validationsWithoutImprovement() >= config.patience()) {
                        progress.line("early stop: no improvement in " + config.patience() + " validations");
                        return finish(state, optimizer, metrics, Outcome.PATIENCE);
                    }
                }
                if (config.saveEvery() > 0 && step % config.saveEvery() == 0) {
                    saveCheckpoint("checkpoint_" + step, state, optimizer);
                    checkpoints.prune();
                }
                if (stop.requested()) {
                    progress.line("interrupted: saving " + checkpoints.path(Checkpoints.LAST));
                    return finish(state, optimizer, metrics, Outcome.INTERRUPTED);
                }
                if (config.timeBudgetSeconds() > 0 && elapsed >= config.timeBudgetSeconds()) {
                    progress.line(Progress.fmt("time budget of %d s reached", config.timeBudgetSeconds()));
                    return finish(state, optimizer, metrics, Outcome.TIME_BUDGET);
                }
            }
            // end of epoch
            if (config.validateEvery() == 0) {
                state = validateAndSave(state, optimizer, metrics);
            }
            if (config.maxEpochs() > 0 && epoch >= config.maxEpochs()) {
                return finish(state, optimizer, metrics, Outcome.MAX_EPOCHS);
            }
            epoch++;
            next = 0;
            state = new TrainerState(TrainerState.FORMAT, step, epoch, 0, state.bestMetric(), state.bestStep(),
                    state.validationsWithoutImprovement(), state.nanInRow(), state.nanTotal(), state.elapsedSeconds());
        }
    }

    /** Loss sums and counts of one update. */
    private record UpdateResult(boolean finite, double loss, double nll, long tokens, long sentences, double gradNorm,
            double lr) {}

    private UpdateResult update(List<int[]> group, LabelSmoothedLoss criterion, AdamW optimizer,
            long updateNumber) {
        Engine engine = Engine.getInstance();
        // dropout masks depend only on (seed, update): resume reproduces them
        engine.setRandomSeed((int) (config.seed() * 1_000_003L + updateNumber));
        NDManager root = model.getNDManager();
        try (NDManager step = root.newSubManager()) {
            ParameterStore ps = new ParameterStore(step, false);
            double lossSum = 0;
            double nllSum = 0;
            long tokens = 0;
            long sentences = 0;
            for (int[] indices : group) {
                BitextBatch batch = BitextBatch.collate(train, indices, run.specialIds());
                tokens += batch.targetTokens();
                sentences += batch.size();
                try (GradientCollector gc = engine.newGradientCollector()) {
                    BitextBatch.Tensors a = batch.toNDArrays(step);
                    LabelSmoothedLoss.Sums sums;
                    // close what the forward pass made except the sums: autograd keeps what backward needs, and
                    // every array here is libtorch-owned (TorchArrays), so the rest is freed before backward runs
                    try (NDScope forward = new NDScope()) {
                        NDArray logits = block.logits(ps, a.source(), a.targetIn(), true); // (B, T, V)
                        sums = criterion.compute(logits, a.targetOut());
                        NDScope.unregister(sums.loss(), sums.nll());
                    }
                    gc.backward(sums.loss());
                    lossSum += sums.loss().getFloat();
                    nllSum += sums.nll().getFloat();
                } catch (EngineException e) {
                    throw outOfMemoryOr(e);
                }
            }
            TestHooks.reached("update", null); // gradients computed, parameters not yet updated
            double lr = config.schedule().at(updateNumber);
            // gradients are sums over tokens: normalize by the update's target tokens, then clip
            double norm = optimizer.stepFromGradients(step, tokens, config.clipNorm(), lr, !Double.isFinite(lossSum));
            boolean finite = Double.isFinite(norm) && Double.isFinite(lossSum);
            if (finite) {
                block.renormalize(); // nGPT: weights back onto the unit sphere (a no-op for a standard model)
            }
            return new UpdateResult(finite, lossSum, nllSum, tokens, sentences, norm, lr);
        }
    }

    private RuntimeException outOfMemoryOr(EngineException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("out of memory") || m.contains("can't allocate") || m.contains("cannot allocate")) {
            return new UsageException("out of memory on a batch of --max-tokens " + config.maxTokens()
                    + ": lower --max-tokens (and raise --update-freq to keep the same effective batch). Engine said: "
                    + e.getMessage(), e);
        }
        return e;
    }

    /** Training statistics since the last log line. */
    private static final class Window {
        double loss;
        double nll;
        long tokens;
        long sentences;
        double gradNorm;
        double lr;
        int updates;
        final long started = System.nanoTime();

        void add(UpdateResult r) {
            loss += r.loss;
            nll += r.nll;
            tokens += r.tokens;
            sentences += r.sentences;
            gradNorm += r.gradNorm;
            lr = r.lr;
            updates++;
        }

        double lossBits() {
            return loss / Math.max(1, tokens) / LN2;
        }

        double nllBits() {
            return nll / Math.max(1, tokens) / LN2;
        }

        double tokensPerSecond() {
            return tokens / Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        }
    }

    private String statusLine(TrainerState s, Window w, int batchesInEpoch) {
        double f = config.maxSteps() > 0 ? (double) s.step() / config.maxSteps()
                : (double) s.batchInEpoch() / Math.max(1, batchesInEpoch);
        return Progress.fmt("%s update %d | epoch %d %d/%d | loss %.3f | %.0f tok/s", Progress.bar(f, 20), s.step(),
                s.epoch(), s.batchInEpoch(), batchesInEpoch, w.lossBits(), w.tokensPerSecond());
    }

    private void logTrain(TrainerState s, Window w, AdamW optimizer, MetricsLog metrics) throws IOException {
        long peakRss = PeakMemory.peakRssBytes();
        progress.line(Progress.fmt(
                "epoch %03d | update %7d | loss %.3f | nll %.3f | ppl %.2f | lr %.3e | gnorm %.3f | tok/s %.0f"
                        + " | elapsed %.0fs | peak RSS %.0f MiB",
                s.epoch(), s.step(), w.lossBits(), w.nllBits(), Math.pow(2, w.nllBits()), w.lr,
                w.gradNorm / Math.max(1, w.updates), w.tokensPerSecond(), s.elapsedSeconds(), peakRss / 1048576.0));
        JsonObject o = new JsonObject();
        o.addProperty("kind", "train");
        o.addProperty("step", s.step());
        o.addProperty("epoch", s.epoch());
        o.addProperty("loss", w.lossBits());
        o.addProperty("nll", w.nllBits());
        o.addProperty("ppl", Math.pow(2, w.nllBits()));
        o.addProperty("lr", w.lr);
        o.addProperty("gnorm", w.gradNorm / Math.max(1, w.updates));
        o.addProperty("tokensPerSecond", w.tokensPerSecond());
        o.addProperty("targetTokens", w.tokens); // summed over the updates since the last record
        o.addProperty("sentences", w.sentences);
        o.addProperty("elapsedSeconds", s.elapsedSeconds());
        o.addProperty("peakRssBytes", peakRss);
        o.addProperty("nanTotal", s.nanTotal());
        metrics.append(o);
    }

    private TrainerState validateAndSave(TrainerState s, AdamW optimizer, MetricsLog metrics) throws IOException {
        lastValidatedStep = s.step();
        boolean improved = false;
        double metric = Double.NaN;
        if (validation != null) {
            Validation.Result r = validation.run(block, model.getNDManager());
            metric = r.metric();
            improved = Double.isNaN(s.bestMetric()) || r.betterThan(s.bestMetric());
            progress.line(Progress.fmt("valid | update %7d | %s%s", s.step(), r.describe(), improved ? " | best" : ""));
            JsonObject o = r.toJson();
            o.addProperty("kind", "valid");
            o.addProperty("step", s.step());
            o.addProperty("epoch", s.epoch());
            metrics.append(o);
            TrainingCurve.write(config.saveDir().resolve("training-curve.png"), metrics.trainLoss, metrics.validLoss,
                    metrics.validBleu);
        }
        TrainerState next = validation == null ? s
                : new TrainerState(TrainerState.FORMAT, s.step(), s.epoch(), s.batchInEpoch(),
                        improved ? metric : s.bestMetric(), improved ? s.step() : s.bestStep(),
                        improved ? 0 : s.validationsWithoutImprovement() + 1, s.nanInRow(), s.nanTotal(),
                        s.elapsedSeconds());
        saveCheckpoint(Checkpoints.LAST, next, optimizer);
        if (improved) {
            checkpoints.copy(Checkpoints.LAST, Checkpoints.BEST);
        }
        return next;
    }

    private Outcome finish(TrainerState s, AdamW optimizer, MetricsLog metrics, Outcome outcome) throws IOException {
        TrainerState last = s;
        if (outcome != Outcome.INTERRUPTED && s.step() != lastValidatedStep) {
            last = validateAndSave(s, optimizer, metrics);
        } else if (s.step() != lastSavedStep) {
            saveCheckpoint(Checkpoints.LAST, s, optimizer);
        }
        progress.line(Progress.fmt("done (%s) after %d updates, %.0f s; best %s at update %d", outcome, last.step(),
                last.elapsedSeconds(), Double.isNaN(last.bestMetric()) ? "-" : Progress.fmt("%.3f", last.bestMetric()),
                last.bestStep()));
        return outcome;
    }

    /** Writes a checkpoint: the model directory plus trainer state and optimizer moments, all in its manifest. */
    private void saveCheckpoint(String name, TrainerState s, AdamW optimizer) throws IOException {
        Map<String, AtomicFiles.Writer> training = new LinkedHashMap<>();
        training.put(STATE_FILE, out -> out.write(GSON.toJson(s).getBytes(StandardCharsets.UTF_8)));
        training.put(OPTIMIZER_FILE, optimizer::writeState);
        if (lrGroups != null) {
            training.put(ParameterGroups.FILE, lrGroups::writeTo);
        }
        checkpoints.save(name, dir -> run.writeModel(dir, training));
        if (name.equals(Checkpoints.LAST)) {
            lastSavedStep = s.step();
        }
    }
}
