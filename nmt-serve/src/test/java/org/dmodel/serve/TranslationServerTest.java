package org.dmodel.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dmodel.search.SearchOptions;
import org.dmodel.translate.BatchingTranslator;
import org.dmodel.translate.DecodeGate;
import org.dmodel.translate.TestModels;
import org.dmodel.translate.Translation;
import org.dmodel.translate.Translator;
import org.dmodel.translate.TranslatorOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real server on an ephemeral loopback port, with a tiny randomly initialized model (deterministic) and the
 * JDK's HTTP client: answers per request under concurrency, both APIs' shapes, every bad input's status and
 * message, readiness, overload and timeouts. A {@link DecodeGate} holds the first decode where a test needs the
 * queue filled the same way on every run.
 */
class TranslationServerTest {
    private static final SearchOptions SEARCH = SearchOptions.DEFAULTS.withBeam(2).withMaxLen(1.0, 6);
    private static final Limits LIMITS = new Limits(2000, 4, 50, 4, Duration.ofMinutes(2));
    private static final List<String> SENTENCES = List.of("How are you?", "The cat sits on the mat.", "Yes.",
            "Tom ist müde.", "We went to the station.", "Hallo", "Good night.", "Where is the station?");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    static Path dir;
    static Path modelDir;
    static Running shared;

    /** A server with its translator, as {@code ServeCommand} assembles them. */
    record Running(Translator translator, BatchingTranslator batching, TranslationServer server) implements
            AutoCloseable {
        static Running start(Path model, Limits limits, int queue, boolean ready) throws Exception {
            Translator t = Translator.load(model, TranslatorOptions.builder().search(SEARCH).build());
            TranslationServer s = new TranslationServer(limits, "127.0.0.1", 0);
            BatchingTranslator b = new BatchingTranslator(t,
                    new BatchingTranslator.Options(64, 4096, Duration.ofMillis(5), queue, true), s.metrics());
            if (ready) {
                s.ready(new TranslationServer.Model(b, SEARCH, new JsonObject(), "en", "de"));
            }
            return new Running(t, b, s);
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + server.port() + path);
        }

        @Override
        public void close() {
            server.close();
            batching.close();
            translator.close();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        modelDir = TestModels.random(dir.resolve("m"), "encdec", "mha");
        shared = Running.start(modelDir, LIMITS, 1024, true);
    }

    @AfterAll
    static void stop() {
        shared.close();
    }

    static HttpResponse<String> post(Running r, String path, String body) throws Exception {
        return post(r, path, body.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> post(Running r, String path, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(r.uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> postAsync(Running r, String path, String body) {
        return HTTP.sendAsync(HttpRequest.newBuilder(r.uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(Running r, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(r.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(HttpResponse<String> r) {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.toString());
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    static String text(String s) {
        JsonObject o = new JsonObject();
        o.addProperty("text", s);
        return o.toString();
    }

    /** Waits until {@code /metrics} shows {@code sentences} queued (the gate holds the decoder meanwhile). */
    static void awaitQueued(Running r, int sentences) throws Exception {
        String line = "dmodel_queue_sentences " + sentences + ".0";
        for (int i = 0; i < 6000 && !get(r, "/metrics").body().contains(line); i++) {
            Thread.sleep(20);
        }
        assertTrue(get(r, "/metrics").body().contains(line), "never saw " + line);
    }

    @Test
    void concurrentRequestsShareBatchesAndEachGetsItsOwnTranslations() throws Exception {
        List<String> expected = new ArrayList<>();
        for (String s : SENTENCES) {
            expected.add(shared.translator().translate(s));
        }
        assertTrue(new HashSet<>(expected).size() > SENTENCES.size() / 2, "outputs differ between inputs: "
                + expected);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try (DecodeGate gate = new DecodeGate()) {
            answers.add(postAsync(shared, "/v1/translate", text(SENTENCES.get(0))));
            gate.awaitHeld();
            for (int round = 0; round < 3; round++) {
                for (int i = SENTENCES.size() - 1; i >= 0; i--) {
                    answers.add(postAsync(shared, "/v1/translate", text(SENTENCES.get(i))));
                }
            }
            awaitQueued(shared, 3 * SENTENCES.size());
        }
        int merged = 0;
        for (int k = 0; k < answers.size(); k++) {
            int i = k == 0 ? 0 : SENTENCES.size() - 1 - (k - 1) % SENTENCES.size();
            HttpResponse<String> r = answers.get(k).get(2, TimeUnit.MINUTES);
            assertEquals(200, r.statusCode(), r.body());
            JsonObject o = json(r);
            JsonArray t = o.getAsJsonArray("translations");
            assertEquals(1, t.size());
            assertEquals(expected.get(i), t.get(0).getAsJsonObject().get("text").getAsString(), SENTENCES.get(i));
            merged = Math.max(merged, o.getAsJsonObject("timing").get("batchSentences").getAsInt());
        }
        assertEquals(3 * SENTENCES.size(), merged, "the queued requests shared one decode");
    }

    @Test
    void v1AnswersInInputOrderWithNbestListsAndTiming() throws Exception {
        List<String> texts = SENTENCES.subList(0, 3);
        JsonObject request = new JsonObject();
        JsonArray array = new JsonArray();
        texts.forEach(array::add);
        request.add("texts", array);
        request.addProperty("nbest", 2);
        request.addProperty("beam", 3);
        JsonObject o = json(post(shared, "/v1/translate", request.toString()));
        JsonArray translations = o.getAsJsonArray("translations");
        assertEquals(3, translations.size());
        List<List<Translation>> expected = shared.translator().translateNBest(texts, SEARCH.withBeam(3), 2, i -> { });
        for (int i = 0; i < 3; i++) {
            JsonArray nbest = translations.get(i).getAsJsonArray();
            assertEquals(2, nbest.size());
            for (int j = 0; j < 2; j++) {
                JsonObject one = nbest.get(j).getAsJsonObject();
                assertEquals(expected.get(i).get(j).text(), one.get("text").getAsString());
                assertEquals(expected.get(i).get(j).score(), one.get("score").getAsDouble(), 1e-4);
            }
        }
        for (String field : List.of("queueMs", "decodeMs", "totalMs", "batchSentences")) {
            assertTrue(o.getAsJsonObject("timing").has(field), field);
        }
    }

    @Test
    void libreTranslateClientsGetTheirShape() throws Exception {
        String one = SENTENCES.get(0);
        JsonObject single = json(post(shared, "/translate",
                "{\"q\": \"" + one + "\", \"source\": \"en\", \"target\": \"de\", \"format\": \"text\"}"));
        assertEquals(shared.translator().translate(one), single.get("translatedText").getAsString());
        JsonObject many = json(post(shared, "/translate",
                "{\"q\": [\"Yes.\", \"Hallo\"], \"source\": \"auto\", \"target\": \"de\", \"alternatives\": 1}"));
        assertEquals(shared.translator().translate(List.of("Yes.", "Hallo")).toString(),
                many.getAsJsonArray("translatedText").asList().stream().map(e -> e.getAsString()).toList().toString());
        assertEquals(2, many.getAsJsonArray("alternatives").size());
        HttpResponse<String> wrong = post(shared, "/translate", "{\"q\": \"Yes.\", \"source\": \"en\", \"target\": \"fr\"}");
        assertEquals(400, wrong.statusCode());
        assertTrue(json(wrong).get("error").getAsString().contains("into \"de\""), wrong.body());
    }

    /** Each bad request: status, a phrase of the message, the limit named (or none); never a stack trace. */
    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', value = {
        "'{\"text\": 1}'                           | 400 | \"text\" must be a string         |",
        "'{\"texts\": \"a\"}'                      | 400 | \"texts\" must be an array        |",
        "'{\"texts\": [\"a\", 2]}'                 | 400 | \"texts[1]\" must be a string     |",
        "'{\"text\": \"a\", \"texts\": [\"b\"]}'   | 400 | exactly one of                   |",
        "'{}'                                      | 400 | exactly one of                   |",
        "'{\"text\": \"a\", \"beam\": \"5\"}'      | 400 | \"beam\" must be a number        |",
        "'{\"text\": \"a\", \"beam\": 2.5}'        | 400 | whole number from 1 to 4         |",
        "'{\"text\": \"a\", \"beam\": 99}'         | 400 | whole number from 1 to 4         |",
        "'{\"text\": \"a\", \"lenpen\": -1}'       | 400 | \"lenpen\" must be a number from |",
        "'{\"text\": \"a\", \"color\": 1}'         | 400 | unknown field \"color\"          |",
        "'{\"text\": \"a\"'                        | 400 | malformed JSON                   |",
        "'{text: \"a\"}'                           | 400 | malformed JSON                   |",
        "'{\"text\": \"a\"} {}'                    | 400 | malformed JSON                   |",
        "'[\"a\"]'                                 | 400 | must be a JSON object            |",
        "''                                        | 400 | the request body is empty        |",
        "'{\"texts\": [\"a\",\"b\",\"c\",\"d\",\"e\"]}' | 413 | too many texts: 5          | max-texts",
        "'{\"text\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}' | 413 | has 51 characters | max-chars",
    })
    void badRequestsGetTheirStatusAndAMessage(String body, int status, String phrase, String limit) throws Exception {
        assertRefused(post(shared, "/v1/translate", body), status, phrase.trim(), limit);
    }

    @Test
    void oversizedBodiesAndInvalidUtf8AreRefusedByName() throws Exception {
        String big = text("a".repeat(LIMITS.maxBodyBytes()));
        assertRefused(post(shared, "/v1/translate", big), 413, "the limit is 2000", "max-body-bytes");
        byte[] latin1 = "{\"text\": \"müde\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(post(shared, "/v1/translate", latin1), 400, "not valid UTF-8", null);
        assertRefused(post(shared, "/translate", "{\"source\": \"en\"}"), 400, "missing \"q\"", null);
        assertRefused(get(shared, "/v1/translate"), 405, "GET is not allowed", null);
        assertRefused(get(shared, "/nowhere"), 404, "no such endpoint", null);
    }

    static void assertRefused(HttpResponse<String> r, int status, String phrase, String limit) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject o = json(r);
        assertTrue(o.get("error").getAsString().contains(phrase), "'" + phrase + "' not in " + r.body());
        assertEquals(limit == null || limit.isBlank() ? null : limit.trim(),
                o.has("limit") ? o.get("limit").getAsString() : null, r.body());
        assertFalse(r.body().contains("Exception") || r.body().contains("at org."), "no stack trace: " + r.body());
    }

    @Test
    void healthIs200OnlyOnceTheModelIsReady() throws Exception {
        try (Running r = Running.start(modelDir, LIMITS, 1024, false)) {
            HttpResponse<String> loading = get(r, "/health");
            assertEquals(503, loading.statusCode());
            assertEquals("loading", json(loading).get("status").getAsString());
            HttpResponse<String> early = post(r, "/v1/translate", text("Yes."));
            assertRefused(early, 503, "still loading", null);
            assertEquals("1", early.headers().firstValue("Retry-After").orElse(null));
            r.server().ready(new TranslationServer.Model(r.batching(), SEARCH, new JsonObject(), null, null));
            assertEquals(200, get(r, "/health").statusCode());
            assertEquals(200, post(r, "/v1/translate", text("Yes.")).statusCode());
        }
    }

    /**
     * Queue room for one sentence and a 3 s timeout: with the decoder held, one request waits in the queue, the next
     * is refused at once with 503 and Retry-After, and the waiting one and the held one get 503 when their time is
     * up (the waiting one leaves the queue and is never decoded); once the decoder goes on, requests succeed again.
     */
    @Test
    void overloadGets503WithRetryAfterAndAWaitingRequestTimesOut() throws Exception {
        Limits quick = new Limits(2000, 4, 50, 4, Duration.ofSeconds(3));
        try (Running r = Running.start(modelDir, quick, 1, true); DecodeGate gate = new DecodeGate()) {
            CompletableFuture<HttpResponse<String>> held = postAsync(r, "/v1/translate", text("Yes."));
            gate.awaitHeld();
            CompletableFuture<HttpResponse<String>> waiting = postAsync(r, "/v1/translate", text("Hallo"));
            awaitQueued(r, 1);
            HttpResponse<String> refused = post(r, "/v1/translate", text("Good night."));
            assertRefused(refused, 503, "queue is full", null);
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            HttpResponse<String> late = waiting.get(2, TimeUnit.MINUTES);
            assertRefused(late, 503, "timeout of 3.0 s", "timeout");
            assertEquals("1", late.headers().firstValue("Retry-After").orElse(null));
            awaitQueued(r, 0);
            assertRefused(held.get(2, TimeUnit.MINUTES), 503, "timeout of 3.0 s", "timeout"); // decoding, held
            gate.open();
            HttpResponse<String> after = post(r, "/v1/translate", text("Yes."));
            assertEquals(200, after.statusCode(), after.body());
            String metrics = get(r, "/metrics").body();
            assertTrue(metrics.contains("dmodel_http_requests_total{endpoint=\"/v1/translate\",status=\"503\"} 3.0"),
                    metrics);
            assertTrue(metrics.contains("dmodel_http_errors_total{endpoint=\"/v1/translate\",status=\"503\"} 3.0"),
                    metrics);
            assertTrue(metrics.contains("dmodel_batch_sentences_count 2"), "the request that timed out in the queue was"
                    + " never decoded: " + metrics);
        }
    }

    @Test
    void modelsListsTheModelAndMetricsAreInPrometheusTextFormat() throws Exception {
        assertEquals(1, json(get(shared, "/v1/models")).getAsJsonArray("models").size());
        post(shared, "/v1/translate", text("Yes."));
        HttpResponse<String> m = get(shared, "/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), m.toString());
        for (String name : List.of("# TYPE dmodel_http_requests_total counter", "dmodel_http_request_duration_seconds_bucket",
                "# TYPE dmodel_batch_sentences histogram", "dmodel_queue_sentences", "dmodel_output_tokens_total",
                "dmodel_decode_tokens_per_second")) {
            assertTrue(m.body().contains(name), name + " missing from\n" + m.body());
        }
    }
}
