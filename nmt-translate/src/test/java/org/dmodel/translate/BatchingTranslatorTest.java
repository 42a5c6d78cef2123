package org.dmodel.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.dmodel.search.SearchOptions;
import org.dmodel.testing.Tolerance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-call batching over a small randomly initialized model (deterministic): merged calls get exactly their own
 * per-call results, the queue bound holds, different search settings never share a batch. A {@link DecodeGate}
 * holds the first decode so that the queue behind it fills the same way on every run.
 */
class BatchingTranslatorTest {
    private static final SearchOptions BEAM3 = SearchOptions.DEFAULTS.withBeam(3).withMaxLen(1.0, 6);
    private static final SearchOptions GREEDY = BEAM3.withBeam(1);

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = TestModels.random(dir.resolve("m"), "encdec", "mha");
    }

    private static TranslatorOptions translatorOptions() {
        return TranslatorOptions.builder().search(BEAM3).maxBatchSentences(16).build();
    }

    private static BatchingTranslator.Options batching(int maxQueued, boolean merge) {
        return new BatchingTranslator.Options(16, 4096, Duration.ofMillis(5), maxQueued, merge);
    }

    /** What a decode looked like, as the listener saw it. */
    private record Decode(int calls, int sentences) {}

    @Test
    void queuedCallsShareABatchAndEachGetsItsOwnPerCallResults() throws Exception {
        List<String> sentences = TranslatorTest.SENTENCES;
        List<Decode> decodes = Collections.synchronizedList(new ArrayList<>());
        try (Translator t = Translator.load(model, translatorOptions());
                BatchingTranslator b = new BatchingTranslator(t, batching(1024, true),
                        (calls, n, src, out, nanos) -> decodes.add(new Decode(calls, n)));
                DecodeGate gate = new DecodeGate()) {
            List<List<Translation>> expected = new ArrayList<>();
            for (String s : sentences) {
                expected.add(t.translateNBest(s, 2));
            }
            CompletableFuture<BatchingTranslator.Result> held = b.submit(List.of(sentences.get(0)), BEAM3, 2);
            gate.awaitHeld();
            // one call per sentence and one call of three, in an order unlike the list's
            List<CompletableFuture<BatchingTranslator.Result>> singles = new ArrayList<>();
            for (int i = sentences.size() - 1; i >= 1; i--) {
                singles.add(b.submit(List.of(sentences.get(i)), BEAM3, 2));
            }
            CompletableFuture<BatchingTranslator.Result> three = b.submit(sentences.subList(4, 7), BEAM3, 2);
            assertEquals(sentences.size() - 1 + 3, b.queuedSentences());
            gate.open();
            assertSame(expected.get(0), held.get(2, TimeUnit.MINUTES).translations().get(0), sentences.get(0));
            for (int k = 0; k < singles.size(); k++) {
                int i = sentences.size() - 1 - k;
                BatchingTranslator.Result r = singles.get(k).get(2, TimeUnit.MINUTES);
                assertEquals(1, r.translations().size());
                assertSame(expected.get(i), r.translations().get(0), sentences.get(i));
            }
            List<List<Translation>> got = three.get(2, TimeUnit.MINUTES).translations();
            assertEquals(3, got.size());
            for (int j = 0; j < 3; j++) {
                assertSame(expected.get(4 + j), got.get(j), sentences.get(4 + j));
            }
            assertEquals(new Decode(1, 1), decodes.get(0), "the held call went alone");
            assertEquals(new Decode(sentences.size(), sentences.size() - 1 + 3), decodes.get(1),
                    "everything queued behind it shared one batch: " + decodes);
            assertEquals(0, b.queuedSentences());
        }
    }

    /** The same hypotheses in the same order with the same scores (float noise aside). */
    static void assertSame(List<Translation> expected, List<Translation> got, String input) {
        assertEquals(expected.stream().map(Translation::text).toList(), got.stream().map(Translation::text).toList(),
                "'" + input + "'");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).score(), got.get(i).score(), Tolerance.PATH, "'" + input + "' hypothesis " + i);
        }
    }

    @Test
    void aFullQueueRefusesUntilACancelledCallFreesItsPlace() throws Exception {
        try (Translator t = Translator.load(model, translatorOptions());
                BatchingTranslator b = new BatchingTranslator(t, batching(2, true), null);
                DecodeGate gate = new DecodeGate()) {
            CompletableFuture<BatchingTranslator.Result> held = b.submit(List.of("Yes."), BEAM3, 1);
            gate.awaitHeld();
            CompletableFuture<BatchingTranslator.Result> waiting = b.submit(List.of("One.", "Two."), BEAM3, 1);
            RejectedExecutionException full = assertThrows(RejectedExecutionException.class,
                    () -> b.submit(List.of("Three."), BEAM3, 1));
            assertTrue(full.getMessage().contains("queue is full"), full.getMessage());
            waiting.cancel(false);
            assertEquals(0, b.queuedSentences(), "a cancelled call leaves the queue");
            CompletableFuture<BatchingTranslator.Result> after = b.submit(List.of("Three."), BEAM3, 1);
            gate.open();
            assertEquals(t.translate("Yes."), held.get(2, TimeUnit.MINUTES).translations().get(0).get(0).text());
            assertEquals(t.translate("Three."), after.get(2, TimeUnit.MINUTES).translations().get(0).get(0).text());
        }
    }

    @Test
    void differentSearchSettingsNeverShareABatch() throws Exception {
        List<Decode> decodes = Collections.synchronizedList(new ArrayList<>());
        try (Translator t = Translator.load(model, translatorOptions());
                BatchingTranslator b = new BatchingTranslator(t, batching(1024, true),
                        (calls, n, src, out, nanos) -> decodes.add(new Decode(calls, n)));
                DecodeGate gate = new DecodeGate()) {
            b.submit(List.of("Yes."), BEAM3, 1);
            gate.awaitHeld();
            var greedy1 = b.submit(List.of("How are you?"), GREEDY, 1);
            var beam = b.submit(List.of("Tom ist müde."), BEAM3, 1);
            var greedy2 = b.submit(List.of("Hallo"), GREEDY, 1);
            gate.open();
            assertEquals(t.translateNBest(List.of("How are you?"), GREEDY, 1, i -> { }).get(0).get(0).text(),
                    greedy1.get(2, TimeUnit.MINUTES).translations().get(0).get(0).text());
            assertEquals(t.translate("Tom ist müde."), beam.get(2, TimeUnit.MINUTES).translations().get(0).get(0).text());
            assertEquals(2, greedy2.get(2, TimeUnit.MINUTES).batchSentences(), "the two greedy calls went together");
            assertEquals(List.of(new Decode(1, 1), new Decode(2, 2), new Decode(1, 1)), decodes);
        }
    }

    @Test
    void withoutMergingEveryCallIsDecodedAlone() throws Exception {
        List<Decode> decodes = Collections.synchronizedList(new ArrayList<>());
        try (Translator t = Translator.load(model, translatorOptions());
                BatchingTranslator b = new BatchingTranslator(t, batching(1024, false),
                        (calls, n, src, out, nanos) -> decodes.add(new Decode(calls, n)));
                DecodeGate gate = new DecodeGate()) {
            b.submit(List.of("Yes."), BEAM3, 1);
            gate.awaitHeld();
            List<CompletableFuture<BatchingTranslator.Result>> calls = new ArrayList<>();
            for (String s : List.of("One.", "Two.", "Three.")) {
                calls.add(b.submit(List.of(s), BEAM3, 1));
            }
            gate.open();
            for (CompletableFuture<BatchingTranslator.Result> c : calls) {
                assertEquals(1, c.get(2, TimeUnit.MINUTES).batchSentences());
            }
            assertEquals(List.of(new Decode(1, 1), new Decode(1, 1), new Decode(1, 1), new Decode(1, 1)), decodes);
        }
    }

    @Test
    void closeDecodesWhatIsQueuedThenRefusesNewCalls() throws Exception {
        try (Translator t = Translator.load(model, translatorOptions())) {
            BatchingTranslator b = new BatchingTranslator(t, batching(1024, true), null);
            CompletableFuture<BatchingTranslator.Result> queued;
            try (DecodeGate gate = new DecodeGate()) {
                b.submit(List.of("Yes."), BEAM3, 1);
                gate.awaitHeld();
                queued = b.submit(List.of("Hallo"), BEAM3, 1);
                Thread closer = new Thread(() -> b.close(Duration.ofMinutes(2)));
                closer.start();
                while (closer.getState() != Thread.State.TIMED_WAITING && closer.isAlive()) {
                    Thread.sleep(5); // close has set the flag and waits for the dispatcher
                }
                assertThrows(RejectedExecutionException.class, () -> b.submit(List.of("No."), BEAM3, 1));
                gate.open();
                closer.join(TimeUnit.MINUTES.toMillis(2));
            }
            assertEquals(t.translate("Hallo"), queued.get(2, TimeUnit.MINUTES).translations().get(0).get(0).text());
        }
    }
}
