package org.dmodel.metric;

import java.util.Arrays;
import java.util.List;
import org.dmodel.metric.tokenize.PythonText;

/**
 * chrF (Popović, 2015) and chrF++ (Popović, 2017) exactly as sacreBLEU 2.x computes them: character
 * n-grams of orders 1..{@code charOrder} over the segment with whitespace removed (kept with
 * {@code whitespace}), plus word n-grams of orders 1..{@code wordOrder} over words whose leading or trailing
 * ASCII punctuation is split off; for several references the one with the best sentence F-score counts.
 * The corpus F-beta averages precision and recall over the orders that have both hypothesis and reference
 * n-grams (sacreBLEU's "effective order"), or, with {@code epsSmoothing}, averages per-order F-scores with
 * chrF++.py's epsilon. Code points, not UTF-16 units, are characters. Immutable and thread-safe.
 *
 * <p>Statistics per segment: {@code [hyp, ref, match]} per order, character orders first.
 */
public final class Chrf implements Metric {
    /** ASCII punctuation, Python's {@code string.punctuation}, split off words for chrF++. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /**
     * chrF's settings; sacreBLEU's defaults in {@link #defaults()} and {@link #chrfPlusPlus()}.
     *
     * @param charOrder character n-gram order ({@code --chrf-char-order}, default 6)
     * @param wordOrder word n-gram order ({@code --chrf-word-order}; 0 chrF, 2 chrF++)
     * @param beta weight of recall ({@code --chrf-beta}, default 2)
     * @param lowercase compare lowercased text ({@code --chrf-lowercase})
     * @param whitespace keep whitespace in character n-grams ({@code --chrf-whitespace})
     * @param epsSmoothing chrF++.py's epsilon smoothing instead of effective order ({@code --chrf-eps-smoothing})
     */
    public record Options(int charOrder, int wordOrder, int beta, boolean lowercase, boolean whitespace,
                          boolean epsSmoothing) {
        public Options {
            if (charOrder < 1 || wordOrder < 0 || beta < 0) {
                throw new IllegalArgumentException("chrF needs charOrder >= 1, wordOrder >= 0 and beta >= 0, got "
                        + charOrder + ", " + wordOrder + ", " + beta);
            }
        }

        /** chrF2: character order 6, no words, beta 2. */
        public static Options defaults() {
            return new Options(6, 0, 2, false, false, false);
        }

        /** chrF2++: character order 6, word order 2, beta 2. */
        public static Options chrfPlusPlus() {
            return new Options(6, 2, 2, false, false, false);
        }
    }

    private final Options options;
    private final int orders;

    /** chrF with these options. */
    public Chrf(Options options) {
        this.options = options;
        this.orders = options.charOrder() + options.wordOrder();
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
        int width = 3 * orders;
        double[] stats = new double[nSeg * width];
        Scratch scratch = new Scratch(nRefs, orders);
        String[] segs = new String[nRefs + 1];
        for (int i = 0; i < nSeg; i++) {
            segs[0] = preprocess(hypotheses.get(i));
            for (int r = 0; r < nRefs; r++) {
                segs[r + 1] = preprocess(references.get(r).get(i));
            }
            segmentStatistics(segs, scratch, stats, i * width);
        }
        return new Statistics(stats, nSeg, width);
    }

    private String preprocess(String segment) {
        return options.lowercase() ? PythonText.lower(segment) : segment;
    }

    /** Working memory for one thread; reused across segments. */
    private static final class Scratch {
        final NgramCounter counter = new NgramCounter();
        final WordIds words = new WordIds();
        int[] buffer = new int[512];
        final int[] ends;
        final int[] hypTotal;
        final int[][] refTotal;
        final int[][] match;

        Scratch(int nRefs, int orders) {
            ends = new int[nRefs + 1];
            hypTotal = new int[orders];
            refTotal = new int[nRefs][orders];
            match = new int[nRefs][orders];
        }

        int[] ensure(int capacity) {
            if (buffer.length < capacity) {
                buffer = new int[Math.max(capacity, buffer.length * 2)];
            }
            return buffer;
        }
    }

    /** segs[0] is the hypothesis, segs[1..] the references; writes the best reference's stats at out[at..]. */
    private void segmentStatistics(String[] segs, Scratch s, double[] out, int at) {
        int nRefs = segs.length - 1;
        Arrays.fill(s.hypTotal, 0);
        for (int r = 0; r < nRefs; r++) {
            Arrays.fill(s.refTotal[r], 0);
            Arrays.fill(s.match[r], 0);
        }
        // Character n-grams: code points, whitespace dropped unless asked for.
        int capacity = 0;
        for (String seg : segs) {
            capacity += seg.length();
        }
        int[] buf = s.ensure(capacity);
        int end = 0;
        for (int k = 0; k < segs.length; k++) {
            end = codePoints(segs[k], buf, end);
            s.ends[k] = end;
        }
        countOrders(s, buf, 0, options.charOrder());
        if (options.wordOrder() > 0) {
            capacity = 0;
            for (String seg : segs) {
                capacity += 2 * WordIds.maxWords(seg);
            }
            buf = s.ensure(capacity);
            end = 0;
            for (int k = 0; k < segs.length; k++) {
                end = punctuationSplitWords(segs[k], s.words, buf, end);
                s.ends[k] = end;
            }
            countOrders(s, buf, options.charOrder(), options.wordOrder());
        }
        // Keep the reference with the best F-score (the first on ties), as sacreBLEU does.
        double bestF = -1.0;
        double[] stats = new double[3 * orders];
        double[] best = null;
        for (int r = 0; r < nRefs; r++) {
            for (int o = 0; o < orders; o++) {
                stats[3 * o] = s.refTotal[r][o] > 0 ? s.hypTotal[o] : 0;
                stats[3 * o + 1] = s.refTotal[r][o];
                stats[3 * o + 2] = s.match[r][o];
            }
            double f = fScore(stats);
            if (f > bestF) {
                bestF = f;
                best = stats.clone();
            }
        }
        System.arraycopy(best, 0, out, at, best.length);
    }

    /** Counts n-grams of orders 1..maxOrder of the segments in buf (bounded by s.ends) into orders firstOrder... */
    private static void countOrders(Scratch s, int[] buf, int firstOrder, int maxOrder) {
        NgramCounter counter = s.counter;
        counter.reset(buf);
        int hypEnd = s.ends[0];
        for (int i = 0; i < hypEnd; i++) {
            long h = NgramCounter.start();
            int maxN = Math.min(maxOrder, hypEnd - i);
            for (int n = 1; n <= maxN; n++) {
                h = NgramCounter.extend(h, buf[i + n - 1]);
                counter.countHypothesis(counter.lookup(i, n, h));
                s.hypTotal[firstOrder + n - 1]++;
            }
        }
        for (int r = 0; r + 1 < s.ends.length; r++) {
            int from = s.ends[r];
            int to = s.ends[r + 1];
            int[] refTotal = s.refTotal[r];
            int[] match = s.match[r];
            for (int i = from; i < to; i++) {
                long h = NgramCounter.start();
                int maxN = Math.min(maxOrder, to - i);
                for (int n = 1; n <= maxN; n++) {
                    h = NgramCounter.extend(h, buf[i + n - 1]);
                    int slot = counter.lookup(i, n, h);
                    refTotal[firstOrder + n - 1]++;
                    // Each reference occurrence up to the hypothesis count is one match: sum of min(hyp, ref).
                    if (counter.countReference(r, slot) <= counter.hypothesisCount(slot)) {
                        match[firstOrder + n - 1]++;
                    }
                }
            }
        }
    }

    /** Appends the segment's code points (without Python whitespace unless whitespace is kept). */
    private int codePoints(String seg, int[] out, int at) {
        int k = at;
        int n = seg.length();
        for (int i = 0; i < n; ) {
            int c = seg.codePointAt(i);
            i += Character.charCount(c);
            if (options.whitespace() || !PythonText.isSpace(c)) {
                out[k++] = c;
            }
        }
        return k;
    }

    /**
     * Appends word ids for chrF++: each whitespace-separated word longer than one character loses a trailing
     * ASCII punctuation mark, or else a leading one, as a separate word (so {@code (hi)} gives {@code (hi} and
     * {@code )}, as in sacreBLEU).
     */
    private static int punctuationSplitWords(String seg, WordIds ids, int[] out, int at) {
        int k = at;
        int n = seg.length();
        int i = 0;
        while (i < n) {
            while (i < n && PythonText.isSpace(seg.charAt(i))) {
                i++;
            }
            if (i == n) {
                break;
            }
            int from = i;
            while (i < n && !PythonText.isSpace(seg.charAt(i))) {
                i++;
            }
            int to = i;
            boolean single = seg.codePointCount(from, to) == 1;
            if (!single && PUNCTUATION.indexOf(seg.charAt(to - 1)) >= 0) {
                out[k++] = ids.id(seg, from, to - 1);
                out[k++] = ids.id(seg, to - 1, to);
            } else if (!single && PUNCTUATION.indexOf(seg.charAt(from)) >= 0) {
                out[k++] = ids.id(seg, from, from + 1);
                out[k++] = ids.id(seg, from + 1, to);
            } else {
                out[k++] = ids.id(seg, from, to);
            }
        }
        return k;
    }

    /** sacreBLEU's {@code _compute_f_score} over [hyp, ref, match] triples. */
    private double fScore(double[] stats) {
        final double eps = 1e-16;
        double factor = (double) options.beta() * options.beta();
        double score = 0.0;
        double avgPrec = 0.0;
        double avgRec = 0.0;
        int effectiveOrder = 0;
        for (int o = 0; o < orders; o++) {
            double nHyp = stats[3 * o];
            double nRef = stats[3 * o + 1];
            double nMatch = stats[3 * o + 2];
            double prec = nHyp > 0 ? nMatch / nHyp : eps;
            double rec = nRef > 0 ? nMatch / nRef : eps;
            double denom = factor * prec + rec;
            score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
            if (nHyp > 0 && nRef > 0) {
                avgPrec += prec;
                avgRec += rec;
                effectiveOrder++;
            }
        }
        if (options.epsSmoothing()) {
            return 100 * score / orders;
        }
        if (effectiveOrder == 0) {
            avgPrec = 0.0;
            avgRec = 0.0;
        } else {
            avgPrec /= effectiveOrder;
            avgRec /= effectiveOrder;
        }
        if (avgPrec + avgRec != 0) {
            double f = (1 + factor) * avgPrec * avgRec;
            f /= factor * avgPrec + avgRec;
            return 100 * f;
        }
        return 0.0;
    }

    @Override
    public ChrfScore score(double[] summedStatistics) {
        return new ChrfScore(fScore(summedStatistics), options.charOrder(), options.wordOrder(), options.beta());
    }

    @Override
    public Signature signature(int numRefs) {
        return Signature.of(numRefs)
                .with("case", "c", options.lowercase() ? "lc" : "mixed")
                .with("eff", "e", options.epsSmoothing() ? "no" : "yes")
                .with("nc", "nc", Integer.toString(options.charOrder()))
                .with("nw", "nw", Integer.toString(options.wordOrder()))
                .with("space", "s", options.whitespace() ? "yes" : "no");
    }
}
