package org.dmodel.metric;

import java.util.Arrays;
import java.util.List;
import org.dmodel.metric.tokenize.PythonText;
import org.dmodel.metric.tokenize.TercomTokenizer;

/**
 * Translation edit rate (Snover et al., 2006) as sacreBLEU 2.x computes it, a re-implementation of Tercom:
 * the fewest word insertions, deletions, substitutions and block shifts turning the hypothesis into a
 * reference, over the average reference length. Shifts are searched greedily with Tercom's limits (see
 * {@link TerAligner}). Text is normalized by {@link TercomTokenizer}: lowercased unless case-sensitive, and
 * optionally normalized, stripped of punctuation, with Asian support. Immutable and thread-safe.
 *
 * <p>Statistics per segment: {@code [edits with the best reference, average reference length]}.
 */
public final class Ter implements Metric {
    /**
     * TER's settings (all off by default, which replicates Tercom).
     *
     * @param normalized Tercom's normalization and tokenization ({@code --ter-normalized})
     * @param noPunct remove punctuation ({@code --ter-no-punct})
     * @param asianSupport split CJK characters, remove CJK punctuation ({@code --ter-asian-support})
     * @param caseSensitive do not lowercase ({@code --ter-case-sensitive})
     */
    public record Options(boolean normalized, boolean noPunct, boolean asianSupport, boolean caseSensitive) {
        /** sacreBLEU's defaults: case-insensitive, no normalization, punctuation kept. */
        public static Options defaults() {
            return new Options(false, false, false, false);
        }
    }

    private final Options options;
    private final TercomTokenizer tokenizer;

    /** TER with these options. */
    public Ter(Options options) {
        this.options = options;
        this.tokenizer = new TercomTokenizer(options.normalized(), options.noPunct(), options.asianSupport(),
                options.caseSensitive());
    }

    @Override
    public Statistics statistics(List<String> hypotheses, List<List<String>> references) {
        Metric.checkAligned(hypotheses, references);
        int nSeg = hypotheses.size();
        int nRefs = references.size();
        double[] stats = new double[nSeg * 2];
        WordIds ids = new WordIds();
        for (int i = 0; i < nSeg; i++) {
            int[] hyp = words(hypotheses.get(i), ids);
            long best = Long.MAX_VALUE;
            long refLengths = 0;
            for (int r = 0; r < nRefs; r++) {
                int[] ref = words(references.get(r).get(i), ids);
                long edits = TerAligner.edits(hyp, ref);
                refLengths += ref.length;
                best = Math.min(best, edits);
            }
            stats[2 * i] = best;
            stats[2 * i + 1] = (double) refLengths / nRefs;
        }
        return new Statistics(stats, nSeg, 2);
    }

    private int[] words(String segment, WordIds ids) {
        String normalized = tokenizer.tokenize(PythonText.rstrip(segment));
        int[] buf = new int[WordIds.maxWords(normalized)];
        int n = ids.split(normalized, buf, 0);
        return Arrays.copyOf(buf, n);
    }

    @Override
    public TerScore score(double[] s) {
        double edits = s[0];
        double refLength = s[1];
        double score;
        if (refLength > 0) {
            score = edits / refLength;
        } else {
            score = edits > 0 ? 1.0 : 0.0; // empty references: any hypothesis word is all error
        }
        return new TerScore(100 * score, edits, refLength);
    }

    @Override
    public Signature signature(int numRefs) {
        return Signature.of(numRefs)
                .with("case", "c", options.caseSensitive() ? "mixed" : "lc")
                .with("tok", "t", tokenizer.signature())
                .with("norm", "nr", options.normalized() ? "yes" : "no")
                .with("punct", "pn", options.noPunct() ? "no" : "yes")
                .with("asian", "as", options.asianSupport() ? "yes" : "no");
    }
}
