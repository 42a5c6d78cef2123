package org.dmodel.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dmodel.engine.Engines;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.search.SearchOptions;
import org.dmodel.testing.Tolerance;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models that have learned something: a tiny {@code encdec} and a tiny {@code lwc} model, trained by the real
 * {@code bin/nmt-train} on {@link SyntheticTask} (both at once, one thread each), then
 * <ul>
 *   <li>translate 100 unseen sentences through {@code bin/nmt-translate}, scored by {@code bin/nmt-score}: BLEU ≥ 90
 *       (100.0 and 98.7 when written; trained on one constant source word instead, both scored 0.0);
 *   <li>give beam hypotheses whose scores are the teacher-forced scores of their tokens under the length penalty;
 *   <li>translate the same from many threads through a {@link Translator} with several workers as in one thread.
 * </ul>
 */
class TrainedModelIT {
    private static final List<String> ARCHS = List.of("encdec", "lwc");
    private static final Path BIN = Path.of(System.getProperty("dmodel.repo.dir", ".."), "bin").toAbsolutePath();
    private static final double MIN_BLEU = 90;

    @TempDir
    static Path work;
    static List<String> test;
    static Path testPrefix;
    static final Map<String, Path> MODELS = new TreeMap<>();

    @BeforeAll
    static void train() throws Exception {
        test = SyntheticTask.sentences(100, 2, Set.of());
        testPrefix = SyntheticTask.write(work, "test", test);
        Path trainPrefix = SyntheticTask.write(work, "train", SyntheticTask.sentences(6000, 1, new HashSet<>(test)));
        Path spm = SyntheticTask.writeSentencePieceModel(work.resolve("words.model"));
        Map<String, Process> runs = new TreeMap<>();
        for (String arch : ARCHS) {
            Path saveDir = work.resolve(arch);
            runs.put(arch, launch(work.resolve(arch + "-train.log"), "nmt-train", "--train", trainPrefix.toString(),
                    "--src-lang", SyntheticTask.SRC, "--tgt-lang", SyntheticTask.TGT, "--spm", spm.toString(),
                    "--save-dir", saveDir.toString(), "--arch", arch, "--layers", "2", "--d-model", "64",
                    "--heads", "4", "--ffn-dim", "128", "--dropout", "0", "--max-tokens", "1024", "--lr", "3e-3",
                    "--warmup-steps", "50", "--lr-scheduler", "cosine", "--max-steps", "500", "--log-every", "100",
                    "--threads", "1", "--seed", "3", "--valid", testPrefix.toString(), "--valid-beam", "1"));
            MODELS.put(arch, saveDir.resolve("checkpoint_last"));
        }
        for (Map.Entry<String, Process> run : runs.entrySet()) {
            finish(run.getValue(), work.resolve(run.getKey() + "-train.log"), 20);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"encdec", "lwc"})
    void translatesUnseenSentencesThroughTheCommands(String arch) throws Exception {
        Path hyp = work.resolve(arch + ".hyp");
        double bleu = translateAndScore(arch, hyp, "--beam", "5");
        List<String> hyps = Files.readAllLines(hyp, StandardCharsets.UTF_8);
        System.out.printf("%s: BLEU %.2f on %d unseen sentences; first: %s -> %s (reference %s)%n", arch, bleu,
                test.size(), test.get(0), hyps.get(0), SyntheticTask.translate(test.get(0)));
        assertTrue(bleu >= MIN_BLEU, arch + ": BLEU " + bleu + " < " + MIN_BLEU + "; first outputs " + sample(hyps));
    }

    /**
     * The BLEU that nmt-train logs for its last validation (greedy, at most 1.2·source + 10 tokens, on the test set
     * here) is what nmt-translate with those settings and nmt-score give for checkpoint_last, which holds the
     * parameters of that validation.
     */
    @ParameterizedTest
    @ValueSource(strings = {"encdec", "lwc"})
    void validationBleuIsWhatTranslateAndScoreGive(String arch) throws Exception {
        List<String> records = Files.readAllLines(MODELS.get(arch).getParent().resolve("metrics.jsonl"));
        double logged = Double.NaN;
        for (String line : records) {
            var o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("kind").getAsString().equals("valid")) {
                logged = o.get("bleu").getAsDouble();
            }
        }
        double bleu = translateAndScore(arch, work.resolve(arch + ".greedy.hyp"), "--beam", "1", "--max-len-a", "1.2",
                "--max-len-b", "10");
        assertEquals(logged, bleu, 1e-6, arch + " (nmt-score prints 6 decimals)");
        assertTrue(bleu > 50, arch + ": precondition, a model that translates: BLEU " + bleu);
    }

    /** Translates the test set with {@code bin/nmt-translate} and the options given, and scores it with nmt-score. */
    private static double translateAndScore(String arch, Path hyp, String... options) throws Exception {
        String name = hyp.getFileName().toString();
        Path log = work.resolve(name + "-translate.log");
        List<String> args = new ArrayList<>(List.of("-m", MODELS.get(arch).toString(), "-i",
                testPrefix + "." + SyntheticTask.SRC, "-o", hyp.toString(), "--threads", "2", "-q"));
        args.addAll(List.of(options));
        finish(launch(log, "nmt-translate", args.toArray(String[]::new)), log, 5);
        Path scoreLog = work.resolve(name + "-score.log");
        Path scoreJson = work.resolve(name + "-score.json");
        Process score = process(scoreLog, "nmt-score", testPrefix + "." + SyntheticTask.TGT, "-i", hyp.toString(), "-m",
                "bleu", "-w", "6").redirectOutput(scoreJson.toFile()).start();
        finish(score, scoreLog, 5);
        return JsonParser.parseString(Files.readString(scoreJson, StandardCharsets.UTF_8)).getAsJsonObject()
                .get("score").getAsDouble();
    }

    /**
     * Every hypothesis of a 5-best list, for lenpen 1 and 0.6: its score is Σ log p(token) over its tokens and the
     * EOS, from one teacher-forced forward pass, divided by (tokens + 1)^lenpen (fairseq's definition, which the
     * search documents in LengthPenalty), within {@link Tolerance#PATH}: the search sums float32 log-probabilities
     * from cached incremental steps, the reference sums a full pass's in float64.
     */
    @ParameterizedTest
    @ValueSource(strings = {"encdec", "lwc"})
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void beamScoresAreTeacherForcedScoresUnderTheLengthPenalty(String arch) throws Exception {
        List<String> inputs = test.subList(0, 10);
        try (LoadedModel model = ModelDirectory.load(MODELS.get(arch), Device.cpu())) {
            for (double lenpen : new double[] {1.0, 0.6}) {
                TranslatorOptions options = TranslatorOptions.builder()
                        .search(SearchOptions.DEFAULTS.withBeam(5).withNbest(5).withLenpen(lenpen)).build();
                List<List<Translation>> nbest;
                try (Translator translator = Translator.load(MODELS.get(arch), options)) {
                    nbest = translator.translateNBest(inputs, 5, i -> { });
                }
                double worst = 0;
                for (int s = 0; s < inputs.size(); s++) {
                    assertEquals(5, nbest.get(s).size(), inputs.get(s));
                    for (Translation t : nbest.get(s)) {
                        double forced = teacherForcedScore(model, inputs.get(s), t.tokens(), lenpen);
                        assertEquals(forced, t.score(), Tolerance.PATH, arch + ", lenpen " + lenpen + ": '"
                                + inputs.get(s) + "' -> '" + t.text() + "'");
                        worst = Math.max(worst, Math.abs(forced - t.score()));
                    }
                }
                System.out.printf("%s lenpen %.1f: largest |search - teacher-forced| %.2e%n", arch, lenpen, worst);
            }
        }
    }

    private static double teacherForcedScore(LoadedModel model, String text, int[] tokens, double lenpen) {
        Tokenizer src = model.vocabularies().source();
        SpecialIds ids = model.vocabularies().target().specialIds();
        int[] sourceIds = src.specialIds().withEos(src.encode(text));
        int[] targetIn = new int[tokens.length + 1];
        targetIn[0] = ids.bos();
        System.arraycopy(tokens, 0, targetIn, 1, tokens.length);
        int[] targetOut = ids.withEos(tokens);
        float[] logProbs;
        int vocab = model.block().vocabSize();
        try (Engines.GradientsOff off = Engines.gradientsOff();
                NDManager m = model.model().getNDManager().newSubManager()) {
            NDArray source = m.create(sourceIds, new Shape(1, sourceIds.length));
            NDArray target = m.create(targetIn, new Shape(1, targetIn.length));
            NDArray logits = model.block().logits(new ParameterStore(m, false), source, target, false); // (1, T, V)
            logProbs = logits.logSoftmax(-1).toFloatArray();
        }
        double sum = 0;
        for (int t = 0; t < targetOut.length; t++) {
            sum += logProbs[t * vocab + targetOut[t]];
        }
        return sum / Math.pow(targetOut.length, lenpen);
    }

    /**
     * Eight threads share one Translator with four workers and send the test sentences in chunks of 1 to 8, each
     * thread in its own order, all starting together; every chunk's output must equal what the same call gave
     * from one thread on a one-worker Translator. The outputs differ between sentences (checked), so equal
     * results cannot come from a model that says the same thing to everyone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"encdec", "lwc"})
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void concurrentCallsOnSeveralWorkersGetTheSequentialResults(String arch) throws Exception {
        List<List<String>> chunks = new ArrayList<>();
        int[] sizes = {1, 8, 2, 5, 1, 3, 8, 1, 4, 7};
        int from = 0;
        for (int size : sizes) {
            chunks.add(test.subList(from, from + size));
            from += size;
        }
        TranslatorOptions options = TranslatorOptions.builder()
                .search(SearchOptions.DEFAULTS.withBeam(3)).maxBatchSentences(4).build();
        List<List<String>> sequential = new ArrayList<>();
        try (Translator one = Translator.load(MODELS.get(arch), options)) {
            for (List<String> chunk : chunks) {
                sequential.add(one.translate(chunk));
            }
        }
        Set<String> distinct = new HashSet<>();
        sequential.forEach(distinct::addAll);
        assertTrue(distinct.size() > from / 2, arch + ": only " + distinct.size() + " different outputs for " + from
                + " different sentences; the comparison below would prove little");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Translator shared = Translator.load(MODELS.get(arch), options.toBuilder().workers(4).build())) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await(1, TimeUnit.MINUTES);
                    List<String> mismatches = new ArrayList<>();
                    for (int c = 0; c < chunks.size(); c++) {
                        int chunk = (c * 3 + thread) % chunks.size(); // coprime stride: every chunk once
                        List<String> got = shared.translate(chunks.get(chunk));
                        List<String> expected = sequential.get(chunk);
                        for (int i = 0; i < expected.size(); i++) {
                            String g = i < got.size() ? got.get(i) : "<missing>";
                            if (!g.equals(expected.get(i))) {
                                mismatches.add("thread " + thread + ": '" + chunks.get(chunk).get(i) + "' gave '" + g
                                        + "', sequentially '" + expected.get(i) + "'");
                            }
                        }
                    }
                    return mismatches;
                }));
            }
            start.countDown();
            List<String> mismatches = new ArrayList<>();
            for (Future<List<String>> f : results) {
                mismatches.addAll(f.get(5, TimeUnit.MINUTES));
            }
            List<String> first = mismatches.subList(0, Math.min(10, mismatches.size()));
            assertTrue(mismatches.isEmpty(), arch + ": " + mismatches.size() + " concurrent results differ from the"
                    + " sequential run, first:\n" + String.join("\n", first));
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    /**
     * BatchingTranslator's guarantee on a model that translates: 32 threads each send single sentences of the test
     * set (each thread in its own order, all starting together) and get, for each, the per-call result of a
     * sequential run, or a different translation only where the two scores tie within {@link Tolerance#PATH} (the
     * batch changed the float sums). The decodes did merge calls (checked), else this would test nothing new.
     */
    @ParameterizedTest
    @ValueSource(strings = {"encdec", "lwc"})
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void concurrentSingleSentenceCallsMergedIntoBatchesGetTheSequentialResults(String arch) throws Exception {
        TranslatorOptions options = TranslatorOptions.builder().search(SearchOptions.DEFAULTS.withBeam(3)).build();
        int threads = 32;
        int perThread = 10;
        java.util.concurrent.atomic.AtomicInteger largest = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (Translator t = Translator.load(MODELS.get(arch), options);
                BatchingTranslator batching = new BatchingTranslator(t, BatchingTranslator.Options.defaults(),
                        (calls, sentences, src, out, nanos) -> largest.accumulateAndGet(calls, Math::max))) {
            List<Translation> sequential = new ArrayList<>();
            for (String s : test) {
                sequential.add(t.translateNBest(s, 1).get(0));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                int thread = th;
                results.add(pool.submit(() -> {
                    start.await(1, TimeUnit.MINUTES);
                    List<String> problems = new ArrayList<>();
                    for (int k = 0; k < perThread; k++) {
                        int i = (thread * 7 + k * 13) % test.size();
                        Translation got = batching.submit(List.of(test.get(i)), options.search(), 1).get(5,
                                TimeUnit.MINUTES).translations().get(0).get(0);
                        Translation want = sequential.get(i);
                        if (!got.text().equals(want.text()) && Math.abs(got.score() - want.score()) > Tolerance.PATH) {
                            problems.add("'" + test.get(i) + "' gave '" + got.text() + "' (" + got.score()
                                    + "), sequentially '" + want.text() + "' (" + want.score() + ")");
                        }
                    }
                    return problems;
                }));
            }
            start.countDown();
            List<String> problems = new ArrayList<>();
            for (Future<List<String>> f : results) {
                problems.addAll(f.get(5, TimeUnit.MINUTES));
            }
            assertTrue(problems.isEmpty(), arch + ": " + problems.size() + " of " + threads * perThread
                    + " merged results differ from the per-call ones beyond a tie:\n" + String.join("\n", problems));
            assertTrue(largest.get() > 1, arch + ": no decode merged two calls; the comparison proves nothing");
            System.out.printf("%s: %d single-sentence calls from %d threads, up to %d calls per decode%n", arch,
                    threads * perThread, threads, largest.get());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static String sample(List<String> hyps) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 3 && i < hyps.size(); i++) {
            b.append("\n  ").append(test.get(i)).append(" -> ").append(hyps.get(i)).append(" (reference ")
                    .append(SyntheticTask.translate(test.get(i))).append(')');
        }
        return b.toString();
    }

    /** Starts a bin/ launcher with stdout and stderr going to {@code log}. */
    private static Process launch(Path log, String command, String... args) throws IOException {
        return process(log, command, args).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A bin/ launcher's process, stderr going to {@code log}. */
    private static ProcessBuilder process(Path log, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of(BIN.resolve(command).toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(log.toFile());
    }

    /** Waits for a launcher; the limit only guards against a hang (a loaded machine runs many times slower). */
    private static void finish(Process p, Path log, int minutes) throws Exception {
        boolean done = p.waitFor(minutes, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        String tail = text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        assertTrue(done, log.getFileName() + ": still running after " + minutes + " minutes\n" + tail);
        assertEquals(0, p.exitValue(), log.getFileName() + ": failed\n" + tail);
    }
}
