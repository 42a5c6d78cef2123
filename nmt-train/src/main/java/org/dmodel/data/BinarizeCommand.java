package org.dmodel.data;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.text.Vocabularies;

/**
 * {@code nmt-binarize}: encodes, filters and binarizes a parallel corpus ahead of training, into the
 * {@link BinarizedDataset} directory that {@code nmt-train} would otherwise build on first use. An existing
 * directory made from the same inputs and settings is kept (unless {@code --force}).
 *
 * <pre>
 * bin/nmt-binarize --prefix data/tatoeba-eng-deu/train --src-lang en --tgt-lang de \
 *     --spm data/tatoeba-eng-deu/spm.model --out runs/data/train.en-de
 * </pre>
 * Prints one summary line to stdout; progress goes to stderr.
 */
public final class BinarizeCommand extends CommandLineTool {
    /** Runs the command and exits with its status. */
    public static void main(String[] args) {
        new BinarizeCommand().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-binarize";
    }

    @Override
    protected String synopsis() {
        return "(--src FILE --tgt FILE | --prefix P --src-lang L --tgt-lang L)"
                + " (--spm MODEL | --src-spm MODEL --tgt-spm MODEL) --out DIR";
    }

    @Override
    protected void declare(OptionTable table) {
        table.value("src", null, "FILE", null, "source-side text, one sentence per line (plain or .gz, UTF-8)")
                .value("tgt", null, "FILE", null, "target-side text, line-aligned with --src")
                .value("prefix", null, "P", null, "read P.L or P.L.gz for each language instead of --src/--tgt")
                .value("src-lang", null, "L", null, "source language suffix with --prefix, e.g. en")
                .value("tgt-lang", null, "L", null, "target language suffix with --prefix, e.g. de")
                .value("spm", null, "MODEL", null, "joint SentencePiece model for both sides")
                .value("src-spm", null, "MODEL", null, "source SentencePiece model (with --tgt-spm)")
                .value("tgt-spm", null, "MODEL", null, "target SentencePiece model (with --src-spm)")
                .value("out", "o", "DIR", null, "directory to write the binarized dataset to")
                .flag("force", null, "rebuild even when DIR is up to date");
        BitextOptions.declare(table);
    }

    @Override
    protected int run(CommandLine cmd, OptionTable table) throws Exception {
        Path[] text = textFiles(cmd, table);
        Path out = Path.of(table.require(cmd, "out"));
        BitextOptions options = BitextOptions.from(cmd, table);
        try (Vocabularies vocab = vocabularies(cmd, table)) {
            BinarizedDataset data = table.has(cmd, "force")
                    ? BinarizedDataset.binarize(text[0], text[1], vocab, out, options)
                    : BinarizedDataset.binarizeIfNeeded(text[0], text[1], vocab, out, options);
            DatasetMeta meta = data.meta();
            System.out.println(out + ": " + meta.pairs() + " pairs, " + meta.source().tokens() + " source and "
                    + meta.target().tokens() + " target tokens; " + meta.report());
        }
        return 0;
    }

    private static Path[] textFiles(CommandLine cmd, OptionTable table) {
        String prefix = table.get(cmd, "prefix");
        boolean explicit = table.get(cmd, "src") != null || table.get(cmd, "tgt") != null;
        if (prefix != null && explicit) {
            throw new UsageException("give either --src/--tgt or --prefix with --src-lang/--tgt-lang, not both");
        }
        if (prefix == null) {
            if (!explicit) {
                throw new UsageException("missing input: give --src FILE --tgt FILE, or --prefix P --src-lang L"
                        + " --tgt-lang L. See nmt-binarize --help.");
            }
            return new Path[] {Path.of(table.require(cmd, "src")), Path.of(table.require(cmd, "tgt"))};
        }
        return new Path[] {BitextReader.languageFile(prefix, table.require(cmd, "src-lang")),
                BitextReader.languageFile(prefix, table.require(cmd, "tgt-lang"))};
    }

    /** The vocabularies of --spm, or of --src-spm and --tgt-spm. */
    static Vocabularies vocabularies(CommandLine cmd, OptionTable table) throws java.io.IOException {
        String joint = table.get(cmd, "spm");
        String source = table.get(cmd, "src-spm");
        String target = table.get(cmd, "tgt-spm");
        if (joint != null && (source != null || target != null)) {
            throw new UsageException("give either --spm or --src-spm with --tgt-spm, not both");
        }
        if (joint != null) {
            return Vocabularies.joint(existing(joint));
        }
        if (source == null || target == null) {
            throw new UsageException("missing vocabulary: give --spm MODEL, or --src-spm MODEL --tgt-spm MODEL");
        }
        return Vocabularies.separate(existing(source), existing(target));
    }

    private static Path existing(String model) {
        Path p = Path.of(model);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(p + ": SentencePiece model not found. Train one with data-scripts/spm-train.sh"
                    + " or pass the path of an existing .model file.");
        }
        return p;
    }
}
