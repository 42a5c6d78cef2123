package org.dmodel.train.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.gson.GsonBuilder;
import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.config.ConfigJson;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelOptions;
import org.dmodel.config.VocabInfo;
import org.dmodel.data.BinarizedDataset;
import org.dmodel.data.BitextOptions;
import org.dmodel.data.BitextReader;
import org.dmodel.engine.Engines;
import org.dmodel.io.TextLines;
import org.dmodel.model.ModelSummary;
import org.dmodel.text.Tokenizer;
import org.dmodel.text.Vocabularies;
import org.dmodel.train.LabelSmoothedLoss;
import org.dmodel.train.TrainConfig;
import org.dmodel.train.TrainOptions;
import org.dmodel.train.TrainingLoop;
import org.dmodel.train.TrainingRun;
import org.dmodel.train.Validation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/nmt-train}: trains a translation model (fairseq-style options), or with {@code --print-model}
 * prints the model summary without training. Exit status: 0 when training ended, 130 or 143 (128 + signal) when
 * SIGINT or SIGTERM stopped it after saving {@code checkpoint_last}, 2 for usage or input errors, 1 otherwise. {@code bin/nmt-train average …} averages checkpoints;
 * {@code bin/nmt-train lr-sweep-report …} summarizes a learning-rate sweep.
 */
public final class TrainCommand extends CommandLineTool {
    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("average")) {
            new AverageCommand().runAndExit(Arrays.copyOfRange(args, 1, args.length));
        } else if (args.length > 0 && args[0].equals("lr-sweep-report")) {
            new LrSweepReportCommand().runAndExit(Arrays.copyOfRange(args, 1, args.length));
        } else {
            new TrainCommand().runAndExit(args);
        }
    }

    @Override
    protected String name() {
        return "nmt-train";
    }

    @Override
    protected String synopsis() {
        return "--train PREFIX [--valid PREFIX] --src-lang L --tgt-lang L --spm MODEL --save-dir DIR [options]\n"
                + "       nmt-train --print-model [model options] | nmt-train average --inputs DIR... --output DIR\n"
                + "       nmt-train lr-sweep-report --work DIR --base WIDTHxLAYERS";
    }

    @Override
    protected void declare(OptionTable t) {
        t.value("train", null, "PREFIX", null, "training files PREFIX.SRC and PREFIX.TGT (plain or .gz)");
        t.value("valid", null, "PREFIX", null, "validation files PREFIX.SRC and PREFIX.TGT (plain or .gz)");
        t.value("src-lang", null, "L", null, "source language suffix");
        t.value("tgt-lang", null, "L", null, "target language suffix");
        t.value("spm", null, "MODEL", null, "joint SentencePiece model (source and target)");
        t.value("src-spm", null, "MODEL", null, "source SentencePiece model (with --tgt-spm, instead of --spm)");
        t.value("tgt-spm", null, "MODEL", null, "target SentencePiece model");
        t.value("data-bin", null, "DIR", null, "where binarized data is kept and reused (default: SAVE_DIR/data-bin)");
        t.value("device", null, "DEV", "cpu", "cpu, gpu or gpu:N (one device)");
        t.value("threads", null, "N", "0", "intra-op threads (0: all cores)");
        t.flag("print-model", null, "print the model summary as JSON and exit");
        ModelOptions.declare(t);
        TrainOptions.declare(t);
        BitextOptions.declare(t);
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        if (!cmd.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument " + cmd.getArgList().get(0) + ". See nmt-train --help.");
        }
        if (t.has(cmd, "print-model")) {
            VocabInfo vocab = printVocab(cmd, t);
            System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(
                    ModelSummary.of(ModelOptions.resolve(cmd, t, vocab))));
            return 0;
        }
        String src = t.require(cmd, "src-lang");
        String tgt = t.require(cmd, "tgt-lang");
        String trainPrefix = t.require(cmd, "train");
        String validPrefix = t.get(cmd, "valid");
        Device device = Engines.device(t.require(cmd, "device"));
        int threads = t.getInt(cmd, "threads", 0);
        if (threads > 0) {
            Engines.setThreads(threads);
        }
        try (Vocabularies vocab = loadVocabularies(cmd, t)) {
            ModelConfig modelConfig = modelConfig(cmd, t, vocab);
            TrainConfig config = TrainOptions.resolve(cmd, t, modelConfig.parameterization());
            Engine.getEngine(Engines.PYTORCH).setRandomSeed((int) config.seed());
            Path dataBin = Path.of(t.get(cmd, "data-bin") != null ? t.get(cmd, "data-bin")
                    : config.saveDir().resolve("data-bin").toString());
            BitextOptions bitext = BitextOptions.from(cmd, t);
            BinarizedDataset train = BinarizedDataset.binarizeIfNeeded(BitextReader.languageFile(trainPrefix, src),
                    BitextReader.languageFile(trainPrefix, tgt), vocab, dataBin.resolve("train"), bitext);
            Validation validation = null;
            if (validPrefix != null) {
                Path vs = BitextReader.languageFile(validPrefix, src);
                Path vt = BitextReader.languageFile(validPrefix, tgt);
                BinarizedDataset valid = BinarizedDataset.binarizeIfNeeded(vs, vt, vocab, dataBin.resolve("valid"), bitext);
                validation = new Validation(valid, config.maxTokens(), vocab.target().specialIds(),
                        new LabelSmoothedLoss(config.labelSmoothing(), vocab.target().specialIds().pad()),
                        config.validBeam(), encodeSources(vs, vocab.source()), TextLines.readAll(vt), vocab.target());
            }
            try (TrainingRun run = TrainingRun.open(config.saveDir(), modelConfig, vocab, device)) {
                if (run.resumedFrom() != null && !run.config().equals(modelConfig)) {
                    LOG.warn("{} was trained with another model configuration than these options give; continuing with"
                            + " the checkpoint's: {}", run.resumedFrom(), ConfigJson.toJson(run.config()));
                }
                LOG.info("model: {} parameters; {}", ModelSummary.parameters(run.config()), run.config().architecture());
                Console console = System.console();
                TrainingLoop loop = new TrainingLoop(config, run, train, validation, console != null);
                TrainingLoop.Outcome outcome = loop.run();
                // README "Exit status": 128 + signal after a signal stopped the run and checkpoint_last was saved
                return outcome == TrainingLoop.Outcome.INTERRUPTED ? loop.signalExitStatus() : 0;
            }
        }
    }

    private static ModelConfig modelConfig(CommandLine cmd, OptionTable t, Vocabularies vocab) {
        return ModelOptions.resolve(cmd, t, VocabInfo.of(vocab.target()),
                vocab.joint() ? null : VocabInfo.of(vocab.source()));
    }

    private static VocabInfo printVocab(CommandLine cmd, OptionTable t) throws IOException {
        if (t.get(cmd, "spm") == null && t.get(cmd, "tgt-spm") == null) {
            return new VocabInfo(8000, org.dmodel.text.SpecialIds.DEFAULT);
        }
        try (Vocabularies v = loadVocabularies(cmd, t)) {
            return VocabInfo.of(v.target());
        }
    }

    private static Vocabularies loadVocabularies(CommandLine cmd, OptionTable t) throws IOException {
        String joint = t.get(cmd, "spm");
        String s = t.get(cmd, "src-spm");
        String g = t.get(cmd, "tgt-spm");
        if (joint != null && s == null && g == null) {
            return Vocabularies.joint(Path.of(joint));
        }
        if (joint == null && s != null && g != null) {
            return Vocabularies.separate(Path.of(s), Path.of(g));
        }
        throw new UsageException("give either --spm MODEL (joint vocabulary) or both --src-spm and --tgt-spm");
    }

    private static int[][] encodeSources(Path file, Tokenizer tok) throws IOException {
        List<String> lines = TextLines.readAll(file);
        int[][] out = new int[lines.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = tok.specialIds().withEos(tok.encode(lines.get(i)));
        }
        return out;
    }
}
