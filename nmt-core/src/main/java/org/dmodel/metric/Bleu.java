package org.dmodel.metric;

import java.util.Arrays;
import java.util.List;
import org.dmodel.metric.tokenize.PythonText;
import org.dmodel.metric.tokenize.SegmentTokenizer;
import org.dmodel.metric.tokenize.Tokenizers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BLEU (Papineni et al., 2002) exactly as sacreBLEU 2.x computes it: optional lowercasing, one of
 * sacreBLEU's tokenizers, clipped n-gram counts against the per-n-gram maximum over references, the
 * closest reference length (the shorter on ties) for the brevity penalty, and Chen &amp; Cherry's smoothing
 * methods {@code exp} (NIST, default), {@code floor}, {@code add-k} and {@code none}. With effective order
 * (always on for sentence-level scores in sacreBLEU's CLI) the geometric mean stops at the highest order
 * that has hypothesis n-grams. Immutable and thread-safe.
 *
 * <p>Statistics per segment: {@code [hyp_len, ref_len, correct_1..4, total_1..4]}.
 */
public final class Bleu implements Metric {
    /** The maximum n-gram order. */
    public static final int MAX_NGRAM_ORDER = 4;

    private static final Logger LOG = LoggerFactory.getLogger(Bleu.class);
    private static final int WIDTH = 2 + 2 * MAX_NGRAM_ORDER;

    /** How zero n-gram matches are smoothed; see Chen &amp; Cherry (2014). */
    public enum Smoothing {
        /** No smoothing: a zero precision makes BLEU 0. */
        NONE("none", Double.NaN),
        /** Method 1: a zero count becomes {@code value} (default 0.1). */
        FLOOR("floor", 0.1),
        /** Method 2: add {@code value} (default 1) to matches and totals of orders above 1. */
        ADD_K("add-k", 1.0),
        /** Method 3, mteval-v13a's: the k-th zero precision becomes 1 / (2^k · total). */
        EXP("exp", Double.NaN);

        private final String cliName;
        private final double defaultValue;

        Smoothing(String cliName, double defaultValue) {
            this.cliName = cliName;
            this.defaultValue = defaultValue;
        }

        /** The name on sacreBLEU's command line and in the signature. */
        public String cliName() {
            return cliName;
        }

        /** Whether the method takes a value ({@code floor}, {@code add-k}). */
        public boolean takesValue() {
            return !Double.isNaN(defaultValue);
        }

        /** The method called {@code name} on sacreBLEU's command line. */
        public static Smoothing forName(String name) {
            for (Smoothing s : values()) {
                if (s.cliName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown smoothing method " + name + ". Use exp, floor, add-k or none.");
        }
    }

    /**
     * BLEU's settings, sacreBLEU's defaults in {@link #defaults()}.
     *
     * @param tokenizer a name from {@link Tokenizers#NAMES}
     * @param lowercase compare lowercased text ({@code -lc})
     * @param smoothing smoothing method ({@code --smooth-method})
     * @param smoothValue value for {@code floor}/{@code add-k}; NaN for the method's default
     * @param effectiveOrder stop the mean at the highest order with n-grams (sentence-level BLEU)
     * @param force do not warn about hypotheses that look tokenized ({@code --force})
     */
    public record Options(String tokenizer, boolean lowercase, Smoothing smoothing, double smoothValue,
                          boolean effectiveOrder, boolean force) {
        /** sacreBLEU's defaults: 13a, mixed case, exp smoothing, no effective order. */
        public static Options defaults() {
            return new Options(Tokenizers.DEFAULT, false, Smoothing.EXP, Double.NaN, false, false);
        }

        /** The smoothing value in use: the given one, else the method's default. */
        double effectiveSmoothValue() {
            return Double.isNaN(smoothValue) ? smoothing.defaultValue : smoothValue;
        }
    }

    private final Options options;
    private final SegmentTokenizer tokenizer;

    /** BLEU with these options; fails for a tokenizer dmodel does not implement. */
    public Bleu(Options options) {
        this.options = options;
        this.tokenizer = Tokenizers.forName(options.tokenizer());
    }

    /** The options this metric was built with. */
    public Options options() {
        return options;
    }

    @Override
    public Statistics statistics(List<String> hypotheses, List<List<String>> references) {
        Metric.checkAligned(hypotheses, references);
        int nSeg = hypotheses.size();
        int nRefs = references.size();
        double[] stats = new double[nSeg * WIDTH];
        WordIds ids = new WordIds();
        NgramCounter counter = new NgramCounter();
        int[] buffer = new int[256];
        int[] refEnds = new int[nRefs];
        int tokenizedLooking = 0;
        for (int i = 0; i < nSeg; i++) {
            String hyp = hypotheses.get(i);
            if (!options.force() && hyp.endsWith(" .")) {
                tokenizedLooking++;
            }
            String[] prepared = new String[nRefs + 1];
            int capacity = 0;
            for (int r = 0; r < nRefs; r++) {
                prepared[r] = preprocess(references.get(r).get(i));
                capacity += WordIds.maxWords(prepared[r]);
            }
            prepared[nRefs] = preprocess(hyp);
            capacity += WordIds.maxWords(prepared[nRefs]);
            if (buffer.length < capacity) {
                buffer = new int[Math.max(capacity, buffer.length * 2)];
            }
            int end = 0;
            for (int r = 0; r < nRefs; r++) {
                end = ids.split(prepared[r], buffer, end);
                refEnds[r] = end;
            }
            int hypStart = end;
            int hypEnd = ids.split(prepared[nRefs], buffer, hypStart);
            segmentStatistics(counter, buffer, refEnds, hypStart, hypEnd, stats, i * WIDTH);
        }
        if (tokenizedLooking >= 100) {
            LOG.warn("{} hypotheses end in a tokenized period (' .'); BLEU expects detokenized text, which may "
                    + "raise your score. Detokenize, or pass --force if the text is detokenized.", tokenizedLooking);
        }
        return new Statistics(stats, nSeg, WIDTH);
    }

    private String preprocess(String segment) {
        String s = options.lowercase() ? PythonText.lower(segment) : segment;
        return tokenizer.tokenize(PythonText.rstrip(s));
    }

    /** Fills {@code [hyp_len, ref_len, correct.., total..]} for one segment at {@code out[at..]}. */
    private static void segmentStatistics(NgramCounter counter, int[] buf, int[] refEnds, int hypStart, int hypEnd,
                                          double[] out, int at) {
        counter.reset(buf);
        int hypLen = hypEnd - hypStart;
        int closest = -1;
        int refStart = 0;
        for (int r = 0; r < refEnds.length; r++) {
            int refLen = refEnds[r] - refStart;
            // sacreBLEU: the closest length; on a tie, the shorter one.
            if (closest < 0 || Math.abs(hypLen - refLen) < Math.abs(hypLen - closest)
                    || (Math.abs(hypLen - refLen) == Math.abs(hypLen - closest) && refLen < closest)) {
                closest = refLen;
            }
            countNgrams(counter, buf, refStart, refEnds[r], r, null, null);
            refStart = refEnds[r];
        }
        out[at] = hypLen;
        out[at + 1] = closest;
        double[] correct = new double[MAX_NGRAM_ORDER];
        double[] total = new double[MAX_NGRAM_ORDER];
        countNgrams(counter, buf, hypStart, hypEnd, -1, correct, total);
        System.arraycopy(correct, 0, out, at + 2, MAX_NGRAM_ORDER);
        System.arraycopy(total, 0, out, at + 2 + MAX_NGRAM_ORDER, MAX_NGRAM_ORDER);
    }

    /**
     * Adds the n-grams of {@code buf[from, to)}: as reference {@code ref} when {@code ref >= 0}, else as the
     * hypothesis, adding clipped matches to {@code correct} and counts to {@code total}.
     */
    private static void countNgrams(NgramCounter counter, int[] buf, int from, int to, int ref, double[] correct,
                                    double[] total) {
        for (int i = from; i < to; i++) {
            long h = NgramCounter.start();
            int maxN = Math.min(MAX_NGRAM_ORDER, to - i);
            for (int n = 1; n <= maxN; n++) {
                h = NgramCounter.extend(h, buf[i + n - 1]);
                int slot = counter.lookup(i, n, h);
                if (ref >= 0) {
                    counter.countReference(ref, slot);
                } else {
                    total[n - 1]++;
                    if (counter.countHypothesis(slot) <= counter.referenceMax(slot)) {
                        correct[n - 1]++;
                    }
                }
            }
        }
    }

    /** The corpus BLEU with its counts, totals, precisions, BP and lengths. */
    @Override
    public BleuScore corpusScore(List<String> hypotheses, List<List<String>> references) {
        return score(statistics(hypotheses, references).sum());
    }

    /** Sentence BLEU; sacreBLEU's CLI builds the metric with effective order for this. */
    @Override
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        return (BleuScore) Metric.super.sentenceScore(hypothesis, references);
    }

    @Override
    public BleuScore score(double[] s) {
        long sysLen = (long) s[0];
        long refLen = (long) s[1];
        double[] correct = Arrays.copyOfRange(s, 2, 2 + MAX_NGRAM_ORDER);
        double[] total = Arrays.copyOfRange(s, 2 + MAX_NGRAM_ORDER, WIDTH);
        long[] rawCorrect = new long[MAX_NGRAM_ORDER];
        long[] rawTotal = new long[MAX_NGRAM_ORDER];
        for (int n = 0; n < MAX_NGRAM_ORDER; n++) {
            rawCorrect[n] = Math.round(correct[n]);
            rawTotal[n] = Math.round(total[n]);
        }
        double bp = 1.0;
        if (sysLen < refLen) {
            bp = sysLen > 0 ? Math.exp(1.0 - (double) refLen / sysLen) : 0.0;
        }
        double[] precisions = new double[MAX_NGRAM_ORDER];
        boolean anyMatch = false;
        for (double c : correct) {
            anyMatch |= c != 0;
        }
        if (!anyMatch) {
            return new BleuScore(0.0, rawCorrect, rawTotal, precisions, bp, sysLen, refLen);
        }
        double k = options.effectiveSmoothValue();
        double smoothMteval = 1.0;
        int effOrder = MAX_NGRAM_ORDER;
        for (int n = 1; n <= MAX_NGRAM_ORDER; n++) {
            if (options.smoothing() == Smoothing.ADD_K && n > 1) {
                correct[n - 1] += k;
                total[n - 1] += k;
            }
            if (total[n - 1] == 0) {
                break;
            }
            if (options.effectiveOrder()) {
                effOrder = n;
            }
            if (correct[n - 1] == 0) {
                if (options.smoothing() == Smoothing.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * total[n - 1]);
                } else if (options.smoothing() == Smoothing.FLOOR) {
                    precisions[n - 1] = 100.0 * k / total[n - 1];
                }
            } else {
                precisions[n - 1] = 100.0 * correct[n - 1] / total[n - 1];
            }
        }
        double logSum = 0.0;
        for (int n = 0; n < effOrder; n++) {
            // sacreBLEU's my_log: log(0) is floored to -9999999999.
            logSum += precisions[n] == 0.0 ? -9999999999.0 : Math.log(precisions[n]);
        }
        double score = bp * Math.exp(logSum / effOrder);
        return new BleuScore(score, rawCorrect, rawTotal, precisions, bp, sysLen, refLen);
    }

    @Override
    public Signature signature(int numRefs) {
        String smooth = options.smoothing().cliName();
        if (options.smoothing().takesValue()) {
            smooth += "[" + ScoreFormat.fixed(options.effectiveSmoothValue(), 2) + "]";
        }
        return Signature.of(numRefs)
                .with("case", "c", options.lowercase() ? "lc" : "mixed")
                .with("eff", "e", options.effectiveOrder() ? "yes" : "no")
                .with("tok", "tok", tokenizer.signature())
                .with("smooth", "s", smooth);
    }
}
