package org.dmodel.metric;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Benchmark, not a test: corpus BLEU + chrF over a 100k-line file, in process (JVM startup excluded).
 * Builds the file from {@code shared/data/tatoeba-anki/deu.txt.gz} (the last 100,000 German sentences as
 * references; hypotheses perturbed deterministically: every 7th word dropped, every 5th sentence's first
 * two words swapped, every 3rd word lowercased) and writes {@code ref.txt}/{@code hyp.txt} to OUT_DIR so the
 * same files can be timed through {@code bin/nmt-score} and sacreBLEU. Results in BENCHMARKS.md.
 *
 * <p>Run: {@code java -cp nmt-core/target/classes:nmt-core/target/test-classes:$(cat nmt-translate/target/classpath.txt)
 * org.dmodel.metric.MetricBench /work/shared /tmp/bench}
 */
public final class MetricBench {
    private static final int LINES = 100_000;

    private MetricBench() {
    }

    public static void main(String[] args) throws IOException {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        Path out = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "target/bench"));
        List<String> all = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(shared.resolve("data/tatoeba-anki/deu.txt.gz"))), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.add(line.split("\t")[1]);
            }
        }
        List<String> refs = all.subList(all.size() - LINES, all.size());
        List<String> hyps = new ArrayList<>(LINES);
        for (int i = 0; i < LINES; i++) {
            hyps.add(perturb(refs.get(i), i));
        }
        Files.write(out.resolve("ref.txt"), refs, StandardCharsets.UTF_8);
        Files.write(out.resolve("hyp.txt"), hyps, StandardCharsets.UTF_8);
        List<List<String>> refStreams = List.of(refs);
        Metric bleu = new Bleu(Bleu.Options.defaults());
        Metric chrf = new Chrf(Chrf.Options.defaults());
        for (int run = 1; run <= 3; run++) {
            long t0 = System.nanoTime();
            Score b = bleu.corpusScore(hyps, refStreams);
            long t1 = System.nanoTime();
            Score c = chrf.corpusScore(hyps, refStreams);
            long t2 = System.nanoTime();
            double secs = (t2 - t0) / 1e9;
            System.out.printf("run %d: BLEU %.2f in %.3f s, chrF %.2f in %.3f s, together %.3f s = %.0f lines/s%n", run,
                    b.score(), (t1 - t0) / 1e9, c.score(), (t2 - t1) / 1e9, secs, LINES / secs);
        }
    }

    private static String perturb(String s, int i) {
        String[] w = s.split(" ");
        List<String> out = new ArrayList<>();
        for (int k = 0; k < w.length; k++) {
            if ((i + k) % 7 == 6) {
                continue;
            }
            out.add((i + k) % 3 == 0 ? w[k].toLowerCase(java.util.Locale.ROOT) : w[k]);
        }
        if (i % 5 == 0 && out.size() > 1) {
            String first = out.get(0);
            out.set(0, out.get(1));
            out.set(1, first);
        }
        return String.join(" ", out);
    }
}
