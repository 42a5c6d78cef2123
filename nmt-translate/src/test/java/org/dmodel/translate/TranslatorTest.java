package org.dmodel.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dmodel.search.SearchOptions;
import org.junit.jupiter.api.Test;
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
                    assertTrue(f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
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
    void defaultsAreFairseqs() {
        TranslatorOptions d = TranslatorOptions.defaults();
        assertEquals(5, d.search().beam());
        assertEquals(1.0, d.search().lenpen());
        assertEquals("cpu", d.device());
    }
}
