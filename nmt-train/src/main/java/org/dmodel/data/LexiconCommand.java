package org.dmodel.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.lexicon.Lexicon;
import org.dmodel.text.Vocabularies;

/**
 * {@code nmt-lexicon}: estimates the lexical translation table that {@code nmt-translate --shortlist} reads
 * (IBM Model 1 over a binarized corpus; {@link IbmModel1}), and writes it atomically as a {@link Lexicon} file.
 *
 * <pre>
 * bin/nmt-lexicon --data-bin runs/quickstart/train/data-bin/train --spm data/tatoeba-eng-deu/spm.model \
 *     --out runs/quickstart/lex.tsv
 * </pre>
 * The binarized corpus is what {@code nmt-train} leaves in {@code SAVE_DIR/data-bin/train} or what
 * {@code nmt-binarize} writes. Prints one summary line to stdout; progress goes to stderr.
 */
public final class LexiconCommand extends CommandLineTool {
    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        new LexiconCommand().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-lexicon";
    }

    @Override
    protected String synopsis() {
        return "--data-bin DIR (--spm MODEL | --src-spm MODEL --tgt-spm MODEL) --out FILE";
    }

    @Override
    protected void declare(OptionTable table) {
        table.value("data-bin", null, "DIR", null, "binarized training corpus (nmt-binarize's --out, or nmt-train's"
                        + " SAVE_DIR/data-bin/train)")
                .value("spm", null, "MODEL", null, "joint SentencePiece model the corpus was binarized with")
                .value("src-spm", null, "MODEL", null, "source SentencePiece model (with --tgt-spm)")
                .value("tgt-spm", null, "MODEL", null, "target SentencePiece model (with --src-spm)")
                .value("out", "o", "FILE", null, "lexicon file to write (.gz to compress)")
                .value("iterations", null, "N", "5", "EM iterations of IBM Model 1")
                .value("keep", null, "N", "100", "translations kept per source piece, most probable first")
                .value("min-prob", null, "P", "0.001", "translations below this probability are dropped")
                .value("max-pairs", null, "N", "3000000", "read at most N sentence pairs, evenly spaced over the corpus"
                        + " (memory grows with the distinct piece pairs they hold)");
    }

    @Override
    protected int run(CommandLine cmd, OptionTable table) throws Exception {
        Path dir = Path.of(table.require(cmd, "data-bin"));
        Path out = Path.of(table.require(cmd, "out"));
        int iterations = table.getInt(cmd, "iterations", 1);
        int keep = table.getInt(cmd, "keep", 1);
        double minProbability = table.getDouble(cmd, "min-prob", 0, 1);
        int maxPairs = table.getInt(cmd, "max-pairs", 1);
        if (!Files.isRegularFile(dir.resolve(BinarizedDataset.META))) {
            throw new UsageException(dir + ": not a binarized corpus (no " + BinarizedDataset.META + "). Make one with"
                    + " nmt-binarize, or pass nmt-train's SAVE_DIR/data-bin/train.");
        }
        BinarizedDataset data = BinarizedDataset.open(dir);
        try (Vocabularies vocab = BinarizeCommand.vocabularies(cmd, table)) {
            checkVocabulary(dir, "source", data.meta().source().vocabSize(), vocab.source().vocabSize());
            checkVocabulary(dir, "target", data.meta().target().vocabSize(), vocab.target().vocabSize());
            Lexicon lexicon = IbmModel1.estimate(data, iterations, keep, minProbability, maxPairs);
            lexicon.write(out, vocab.source(), vocab.target());
            System.out.println(out + ": p(target | source) of " + Math.min(maxPairs, data.size()) + " of " + data.size()
                    + " sentence pairs, " + iterations
                    + " EM iterations, up to " + keep + " translations per source piece");
        }
        return 0;
    }

    private static void checkVocabulary(Path dir, String side, int binarized, int given) {
        if (binarized != given) {
            throw new UsageException(dir + " was binarized with a " + binarized + "-piece " + side + " vocabulary, the"
                    + " given SentencePiece model has " + given + ". Pass the model the corpus was binarized with.");
        }
    }
}
