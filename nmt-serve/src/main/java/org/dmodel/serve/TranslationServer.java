package org.dmodel.serve;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dmodel.search.SearchOptions;
import org.dmodel.translate.BatchingTranslator;
import org.dmodel.translate.Translation;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@code bin/nmt-serve}, on Javalin (Jetty 12): {@code POST /v1/translate}, the
 * LibreTranslate-compatible {@code POST /translate}, {@code GET /health}, {@code GET /v1/models} and
 * {@code GET /metrics}. It listens from construction on, answering 503 until {@link #ready} hands it the model;
 * {@link #drain} stops accepting connections and waits for the requests in flight.
 *
 * <p>Every refusal is a JSON object {@code {"error": "..."}} (plus {@code "limit"} naming the flag of a size
 * limit); no exception text or stack trace reaches a client. Thread-safe.
 */
final class TranslationServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TranslationServer.class);
    private static final Gson GSON = new Gson();
    private static final Set<String> V1_FIELDS = Set.of("text", "texts", "beam", "nbest", "lenpen");
    private static final Set<String> LIBRE_FIELDS = Set.of("q", "source", "target", "format", "api_key",
            "alternatives");
    /** Seconds a client should wait before retrying after a 503. */
    static final String RETRY_AFTER = "1";
    private static final double MAX_LENPEN = 10;

    /** The model and how to decode with it, set once loaded. */
    record Model(BatchingTranslator batching, SearchOptions defaults, JsonObject info, String sourceLang,
            String targetLang) {}

    private final Limits limits;
    private final ServerMetrics metrics;
    private final Javalin app;
    // answers are completed here, not on the decoding thread, so writing responses never delays the next batch
    private final ExecutorService responders = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "nmt-serve-respond");
        t.setDaemon(true);
        return t;
    });
    private final StatisticsHandler requests; // Jetty's count of requests not yet completely answered
    private volatile Model model;
    private volatile boolean draining;

    /** Starts listening on {@code host:port} (port 0: any free port); translation answers 503 until {@link #ready}. */
    TranslationServer(Limits limits, String host, int port) {
        this.limits = limits;
        this.metrics = new ServerMetrics(() -> model == null ? 0 : model.batching().queuedSentences());
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = limits.maxBodyBytes();
            cfg.routes.post("/v1/translate", this::translateV1);
            cfg.routes.post("/translate", this::translateLibre);
            cfg.routes.get("/health", this::health);
            cfg.routes.get("/v1/models", this::models);
            cfg.routes.get("/metrics", ctx -> ctx.contentType(metrics.contentType()).result(metrics.scrape()));
            cfg.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e));
            // Javalin's own refusals (no route, a body over its size limit) get the same JSON shape
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, switch (e.getStatus()) {
                case 404 -> new ApiError(404, "no such endpoint: " + ctx.method() + " " + ctx.path());
                case 413 -> tooLarge(-1);
                default -> new ApiError(e.getStatus(), e.getMessage());
            }));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, new ApiError(500, "internal error; the server log has the details"));
            });
            cfg.routes.error(405, ctx -> error(ctx, new ApiError(405, ctx.method() + " is not allowed on "
                    + ctx.path())));
            cfg.http.prefer405over404 = true;
            // counted once the response is written, whatever the route or outcome
            cfg.requestLogger.http((ctx, ms) -> metrics.request(ctx.path(), ctx.statusCode(), ms / 1000.0));
        });
        app.start(host, port);
        requests = app.jettyServer().server().getDescendant(StatisticsHandler.class);
        if (requests == null) {
            app.stop();
            throw new IllegalStateException("Javalin's Jetty server has no StatisticsHandler to drain with");
        }
    }

    /** The port listened on. */
    int port() {
        return app.port();
    }

    /** The metrics; the batching translator reports its decodes here. */
    ServerMetrics metrics() {
        return metrics;
    }

    /** Hands over the loaded model: from now on translation requests are served and {@code /health} says ok. */
    void ready(Model m) {
        model = m;
    }

    /** The model, or 503 while loading or shutting down. */
    private Model model() {
        if (draining) {
            throw new ApiError(503, "the server is shutting down");
        }
        Model m = model;
        if (m == null) {
            throw new ApiError(503, "the model is still loading");
        }
        return m;
    }

    private void health(Context ctx) {
        String status = draining ? "draining" : model == null ? "loading" : "ok";
        ctx.status(status.equals("ok") ? 200 : 503);
        json(ctx, jsonObject("status", status));
    }

    private void models(Context ctx) {
        JsonObject info = model().info().deepCopy();
        JsonArray list = new JsonArray();
        list.add(info);
        JsonObject out = new JsonObject();
        out.add("models", list);
        json(ctx, out);
    }

    private void translateV1(Context ctx) {
        long received = System.nanoTime();
        Model m = model();
        JsonObject o = JsonRequests.object(body(ctx));
        JsonRequests.onlyFields(o, V1_FIELDS);
        if (o.has("text") == o.has("texts")) {
            throw new ApiError(400, "give exactly one of \"text\" (a string) and \"texts\" (an array of strings)");
        }
        if (o.has("texts") && !o.get("texts").isJsonArray()) {
            throw new ApiError(400, "\"texts\" must be an array of strings");
        }
        List<String> texts = o.has("text") ? JsonRequests.texts(o.get("text"), "text", limits)
                : JsonRequests.texts(o.get("texts"), "texts", limits);
        int beam = JsonRequests.integer(o, "beam", 1, limits.maxBeam(), m.defaults().beam());
        int nbest = JsonRequests.integer(o, "nbest", 1, limits.maxBeam(), 1);
        double lenpen = JsonRequests.decimal(o, "lenpen", 0, MAX_LENPEN, m.defaults().lenpen());
        boolean lists = o.has("nbest"); // n-best lists were asked for: every entry is a list
        SearchOptions search = m.defaults().withBeam(beam).withLenpen(lenpen);
        answer(ctx, m, texts, search, nbest, r -> {
            JsonArray translations = new JsonArray();
            for (List<Translation> n : r.translations()) {
                JsonArray alternatives = new JsonArray();
                for (Translation t : n) {
                    JsonObject one = new JsonObject();
                    one.addProperty("text", t.text());
                    one.addProperty("score", t.score());
                    alternatives.add(one);
                }
                translations.add(lists ? alternatives : alternatives.get(0));
            }
            JsonObject out = new JsonObject();
            out.add("translations", translations);
            JsonObject timing = new JsonObject();
            timing.addProperty("queueMs", r.queuedNanos() / 1e6);
            timing.addProperty("decodeMs", r.decodeNanos() / 1e6);
            timing.addProperty("totalMs", (System.nanoTime() - received) / 1e6);
            timing.addProperty("batchSentences", r.batchSentences());
            out.add("timing", timing);
            return out;
        });
    }

    /** LibreTranslate's request and answer: {@code {"q", "source", "target", "format"}} → {@code {"translatedText"}}. */
    private void translateLibre(Context ctx) {
        Model m = model();
        JsonObject o = JsonRequests.object(body(ctx));
        JsonRequests.onlyFields(o, LIBRE_FIELDS);
        if (!o.has("q")) {
            throw new ApiError(400, "missing \"q\", the text (or array of texts) to translate");
        }
        List<String> texts = JsonRequests.texts(o.get("q"), "q", limits);
        boolean many = o.get("q").isJsonArray();
        String source = JsonRequests.string(o, "source", "auto");
        String target = JsonRequests.string(o, "target", m.targetLang() == null ? "" : m.targetLang());
        if (m.sourceLang() != null && !source.equals("auto") && !source.equals(m.sourceLang())) {
            throw new ApiError(400, "this server translates from \"" + m.sourceLang() + "\", not \"" + source + "\"");
        }
        if (m.targetLang() != null && !target.equals(m.targetLang())) {
            throw new ApiError(400, "this server translates into \"" + m.targetLang() + "\", not \"" + target + "\"");
        }
        String format = JsonRequests.string(o, "format", "text");
        if (!format.equals("text")) {
            throw new ApiError(400, "only \"format\": \"text\" is supported, not \"" + format + "\"");
        }
        int alternatives = JsonRequests.integer(o, "alternatives", 0, limits.maxBeam() - 1, 0);
        answer(ctx, m, texts, m.defaults(), alternatives + 1, r -> {
            JsonArray best = new JsonArray();
            JsonArray others = new JsonArray();
            for (List<Translation> n : r.translations()) {
                best.add(n.get(0).text());
                JsonArray rest = new JsonArray();
                n.subList(1, n.size()).forEach(t -> rest.add(t.text()));
                others.add(rest);
            }
            JsonObject out = new JsonObject();
            out.add("translatedText", many ? best : best.get(0));
            if (alternatives > 0) {
                out.add("alternatives", many ? others : others.get(0));
            }
            return out;
        });
    }

    /**
     * Queues the texts and answers asynchronously (no request thread waits for the decode): {@code render}'s JSON
     * on success, 503 with {@code Retry-After} when the queue is full or the request times out.
     */
    private void answer(Context ctx, Model m, List<String> texts, SearchOptions search, int nbest,
            java.util.function.Function<BatchingTranslator.Result, JsonObject> render) {
        CompletableFuture<BatchingTranslator.Result> decoded;
        try {
            decoded = m.batching().submit(texts, search, nbest);
        } catch (RejectedExecutionException e) {
            throw new ApiError(503, e.getMessage() + "; retry later");
        }
        // orTimeout completes the future exceptionally, which also takes a waiting call out of the queue
        CompletableFuture<Void> done = decoded.orTimeout(limits.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handleAsync((r, e) -> {
                    if (e == null) {
                        json(ctx, render.apply(r));
                    } else if (unwrap(e) instanceof TimeoutException) {
                        error(ctx, new ApiError(503, "no answer within the server's timeout of "
                                + limits.timeout().toMillis() / 1000.0 + " s; retry later", "timeout"));
                    } else {
                        LOG.error("translation failed", unwrap(e));
                        error(ctx, new ApiError(500, "translation failed; the server log has the details"));
                    }
                    return null;
                }, responders);
        ctx.future(() -> done);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /** The body, at most {@link Limits#maxBodyBytes()} bytes (413 above, before reading it when the length is declared). */
    private byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limits.maxBodyBytes()) {
            throw tooLarge(declared);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] b = in.readNBytes(limits.maxBodyBytes() + 1);
            if (b.length > limits.maxBodyBytes()) {
                throw tooLarge(-1);
            }
            return b;
        } catch (IOException e) {
            throw new ApiError(400, "cannot read the request body: " + e.getMessage());
        }
    }

    private ApiError tooLarge(long bytes) {
        return new ApiError(413, "the request body has " + (bytes < 0 ? "more than " + limits.maxBodyBytes() : bytes)
                + " bytes, the limit is " + limits.maxBodyBytes(), "max-body-bytes");
    }

    private static void error(Context ctx, ApiError e) {
        JsonObject o = jsonObject("error", e.getMessage());
        if (e.limit != null) {
            o.addProperty("limit", e.limit);
        }
        if (e.status == 503) {
            ctx.header("Retry-After", RETRY_AFTER);
        }
        ctx.status(e.status);
        json(ctx, o);
    }

    private static JsonObject jsonObject(String key, String value) {
        JsonObject o = new JsonObject();
        o.addProperty(key, value);
        return o;
    }

    private static void json(Context ctx, JsonElement body) {
        ctx.contentType("application/json; charset=utf-8").result(GSON.toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Stops accepting connections and new requests (503 on connections already open), waits up to {@code wait} for
     * the requests in flight to be answered.
     *
     * @return true when none was left
     */
    boolean drain(Duration wait) throws InterruptedException {
        draining = true;
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof NetworkConnector n) {
                n.close(); // the listening socket only: open connections stay to receive their answers
            }
        }
        LOG.info("stopping: no new connections; answering the {} requests in flight", requests.getRequestsActive());
        long deadline = System.nanoTime() + wait.toNanos();
        while (requests.getRequestsActive() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return requests.getRequestsActive() == 0;
    }

    /** Stops the HTTP server. */
    @Override
    public void close() {
        draining = true;
        app.stop();
        responders.shutdown();
    }
}
