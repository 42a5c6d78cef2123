package org.dmodel.translate.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.dmodel.cli.UsageException;
import org.dmodel.io.TextLines;
import org.dmodel.metric.Bleu;
import org.dmodel.metric.Chrf;
import org.dmodel.metric.Metric;
import org.dmodel.metric.ScoreFormat;

/** Prints corpus BLEU and chrF of translations against a reference file, in sacreBLEU's text format. */
final class Scores {
    private Scores() {}

    static void print(Path reference, List<String> hypotheses, PrintStream out) throws IOException {
        List<String> refs = TextLines.readAll(reference);
        if (refs.size() != hypotheses.size()) {
            throw new UsageException(reference + " has " + refs.size() + " lines but the input has "
                    + hypotheses.size() + ": the reference must be line-aligned with the input.");
        }
        for (Metric m : List.of(new Bleu(Bleu.Options.defaults()), new Chrf(Chrf.Options.defaults()))) {
            out.println(ScoreFormat.text(m.corpusScore(hypotheses, List.of(refs)), m.signature(1).format(false), 1,
                    false, null));
        }
    }
}
