package org.dmodel.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmodel.io.TestHooks;
import org.dmodel.search.SearchOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The library API over small randomly initialized models (deterministic, so outputs can be compared). */
class TranslatorTest {
    static final List<String> SENTENCES = List.of("How are you?", "The cat sits on the mat.", "", "Yes.",
            "I would like to order a coffee with milk and two croissants, please.", "?!", "Tom ist müde.",
            "We went to the station together yesterday evening.", "Hallo", "...");

    static TranslatorOptions options(int beam) {
        return TranslatorOptions.builder()
                .search(SearchOptions.DEFAULTS.withBeam(beam).withMaxLen(1.0, 6))
                .maxBatchSentences(4)
                .build();
    }

    @ParameterizedTest(name = "{0} {1} beam {2}")
    @CsvSource({"encdec, mha, 3", "encdec, gqa:1, 1", "encdec, tpa:2/1/1, 3", "lwc, mha, 3", "lwc, gqa:2, 1",
        "lwc, tpa-kv:1/1, 3", "lwc, tpa:2/1/1;mha, 2"})
    void aBatchOfManyEqualsOneAtATime(String arch, String attention, int beam, @TempDir Path dir) throws IOException {
        try (Translator t = Translator.load(TestModels.random(dir.resolve("m"), arch, attention), options(beam))) {
            List<String> batched = t.translate(SENTENCES);
            assertEquals(SENTENCES.size(), batched.size());
            for (int i = 0; i < SENTENCES.size(); i++) {
                assertEquals(batched.get(i), t.translate(SENTENCES.get(i)), "sentence " + i);
            }
            assertEquals("", batched.get(2), "an empty line translates to an empty line");
        }
    }

    @ParameterizedTest(name = "{0} {1} beam {2}")
    @CsvSource({"encdec, mha, 3", "lwc, tpa:2/1/1, 2", "encdec, gqa:1, 1"})
    void inInt8ABatchOfManyEqualsOneAtATime(String arch, String attention, int beam, @TempDir Path dir)
            throws IOException {
        TranslatorOptions int8 = options(beam).toBuilder().precision(TranslatorOptions.Precision.INT8).build();
        try (Translator t = Translator.load(TestModels.random(dir.resolve("m"), arch, attention), int8)) {
            List<String> batched = t.translate(SENTENCES);
            for (int i = 0; i < SENTENCES.size(); i++) {
                assertEquals(batched.get(i), t.translate(SENTENCES.get(i)), "sentence " + i);
            }
        }
    }

    @Test
    void eightThreadsSharingOneTranslatorGetTheSequentialResults(@TempDir Path dir) throws Exception {
        try (Translator t = Translator.load(TestModels.random(dir.resolve("m"), "lwc", "mha"), options(2))) {
            List<String> expected = new ArrayList<>();
            for (String s : SENTENCES) {
                expected.add(t.translate(s));
            }
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int thread = 0; thread < 8; thread++) {
                    int offset = thread;
                    results.add(pool.submit(() -> {
                        boolean same = true;
                        for (int r = 0; r < 100; r++) {
                            int i = (offset + r) % SENTENCES.size();
                            same &= expected.get(i).equals(t.translate(SENTENCES.get(i)));
                        }
                        return same;
                    }));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get(10, TimeUnit.MINUTES)); // a hang guard, not a speed limit
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void twoWorkersDecodeOneCallsBatchesSideBySideWithTheSameResults(@TempDir Path dir) throws Exception {
        Path model = TestModels.random(dir.resolve("m"), "encdec", "mha");
        List<String> texts = longCall();
        List<String> expected = oneWorker(model, texts);
        // the first batch a worker takes waits for a second one to be taken while it holds: only a second worker can
        CountDownLatch taken = new CountDownLatch(2);
        AtomicBoolean sideBySide = new AtomicBoolean();
        AtomicBoolean first = new AtomicBoolean(true);
        TestHooks.listen((point, path) -> {
            if (point.equals("translate.decode")) {
                taken.countDown();
                if (first.getAndSet(false)) {
                    try {
                        sideBySide.set(taken.await(1, TimeUnit.MINUTES));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        });
        try (Translator two = Translator.load(model, oneSentenceBatches().toBuilder().workers(2).build())) {
            assertEquals(expected, two.translate(texts), "two workers give the one-worker results, in input order");
        } finally {
            TestHooks.listen(null);
        }
        assertTrue(sideBySide.get(), "a second batch of the same call started while the first was being decoded");
    }

    @Test
    void nBestListsAreSortedAndTheFirstIsTheBestTranslation(@TempDir Path dir) throws IOException {
        try (Translator t = Translator.load(TestModels.random(dir.resolve("m"), "encdec", "mha"), options(4))) {
            for (String s : SENTENCES) {
                if (s.isEmpty()) {
                    continue;
                }
                List<Translation> n = t.translateNBest(s, 4);
                assertEquals(4, n.size(), s);
                for (int i = 1; i < n.size(); i++) {
                    assertTrue(n.get(i - 1).score() >= n.get(i).score(), "sorted by score: " + s);
                }
                assertEquals(t.translate(s), n.get(0).text());
            }
        }
    }

    @Test
    void anNBestLargerThanTheBeamWidensTheBeam(@TempDir Path dir) throws IOException {
        Path model = TestModels.random(dir.resolve("m"), "encdec", "mha");
        try (Translator beam2 = Translator.load(model, options(2));
                Translator beam4 = Translator.load(model, options(4))) {
            for (String s : List.of("How are you?", "The cat sits on the mat.")) {
                List<Translation> widened = beam2.translateNBest(s, 4);
                List<Translation> wide = beam4.translateNBest(s, 4);
                assertEquals(4, widened.size(), s);
                for (int i = 0; i < 4; i++) {
                    assertArrayEquals(wide.get(i).tokens(), widened.get(i).tokens(), s + ", hypothesis " + i);
                    assertEquals(wide.get(i).score(), widened.get(i).score(), s + ", hypothesis " + i);
                }
            }
        }
    }

    /** Enough single-sentence batches that a call is still running well after it started. */
    private static List<String> longCall() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            texts.add(SENTENCES.get(i % SENTENCES.size()) + " " + i);
        }
        return texts;
    }

    private static TranslatorOptions oneSentenceBatches() {
        return options(2).toBuilder().maxBatchSentences(1).build();
    }

    /** The reference: {@code texts} translated by a translator of its own with one worker and one-sentence batches. */
    private static List<String> oneWorker(Path model, List<String> texts) throws IOException {
        try (Translator one = Translator.load(model, oneSentenceBatches())) {
            return one.translate(texts);
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // a hang guard only: on a loaded machine the two calls take minutes
    void closeWaitsForTheCallInFlightThenRefusesNewOnes(@TempDir Path dir) throws Exception {
        Path model = TestModels.random(dir.resolve("m"), "lwc", "tpa:2/1/1");
        List<String> texts = longCall();
        List<String> expected = oneWorker(model, texts);
        Translator t = Translator.load(model, oneSentenceBatches());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> inFlight = caller.submit(() -> t.translate(texts));
            Thread.sleep(200);
            assertFalse(inFlight.isDone(), "the call must still be running when close starts");
            assertTrue(t.close(Duration.ofMinutes(10)), "close waited for the call");
            assertEquals(expected, inFlight.get(), "the call in flight completed normally before the model was freed");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.translate("Hello."));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            t.close(); // a second close is harmless
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aBoundedCloseStopsTheCallAtItsNextBatchAndNeverFreesTheModelUnderIt(@TempDir Path dir) throws Exception {
        Translator t = Translator.load(TestModels.random(dir.resolve("m"), "encdec", "mha"), oneSentenceBatches());
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<List<String>> inFlight = caller.submit(() -> t.translate(longCall()));
            Thread.sleep(200);
            assertFalse(inFlight.isDone(), "the call must still be running when close starts");
            assertFalse(t.close(Duration.ofMillis(20)), "the call was still running when the wait ended");
            ExecutionException e = assertThrows(ExecutionException.class, () -> inFlight.get(10, TimeUnit.MINUTES));
            assertTrue(e.getCause() instanceof IllegalStateException && e.getCause().getMessage().contains("closed"),
                    String.valueOf(e.getCause()));
            assertThrows(IllegalStateException.class, () -> t.translate("Hello."));
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void defaultsAreFairseqs() {
        TranslatorOptions d = TranslatorOptions.defaults();
        assertEquals(5, d.search().beam());
        assertEquals(1.0, d.search().lenpen());
        assertEquals("cpu", d.device());
    }
}
