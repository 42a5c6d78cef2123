package org.dmodel.serve;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.function.IntSupplier;
import org.dmodel.translate.BatchingTranslator;

/**
 * The server's Prometheus metrics, in a registry of its own (no JVM-wide default registry, so two servers in one
 * test JVM do not collide). Names: {@code dmodel_http_requests_total} and {@code dmodel_http_errors_total} by
 * endpoint and status, {@code dmodel_http_request_duration_seconds} by endpoint, {@code dmodel_batch_sentences}
 * and {@code dmodel_batch_calls} per decode, {@code dmodel_queue_sentences}, {@code dmodel_translated_sentences_total},
 * {@code dmodel_output_tokens_total} (its rate is tokens/s) and {@code dmodel_decode_tokens_per_second} (the last
 * decode's). Thread-safe.
 */
final class ServerMetrics implements BatchingTranslator.Listener {
    /** Endpoints reported by name; any other path counts as {@code other}, so a scan cannot grow the label set. */
    static final Set<String> ENDPOINTS = Set.of("/v1/translate", "/translate", "/health",
            "/v1/models", "/metrics");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("dmodel_http_requests_total")
            .help("HTTP requests answered, by endpoint and status").labelNames("endpoint", "status").register(registry);
    private final Counter errors = Counter.builder().name("dmodel_http_errors_total")
            .help("HTTP requests answered with a status of 400 or more").labelNames("endpoint", "status")
            .register(registry);
    private final Histogram latency = Histogram.builder().name("dmodel_http_request_duration_seconds")
            .help("time from request to response").labelNames("endpoint").classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Histogram batchSentences = Histogram.builder().name("dmodel_batch_sentences")
            .help("sentences per decode").classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256)
            .register(registry);
    private final Histogram batchCalls = Histogram.builder().name("dmodel_batch_calls")
            .help("requests merged into one decode").classicOnly().classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128)
            .register(registry);
    private final Counter sentences = Counter.builder().name("dmodel_translated_sentences_total")
            .help("sentences decoded").register(registry);
    private final Counter outputTokens = Counter.builder().name("dmodel_output_tokens_total")
            .help("tokens of the best translations produced; rate() of it is tokens/s").register(registry);
    private final Gauge tokensPerSecond = Gauge.builder().name("dmodel_decode_tokens_per_second")
            .help("output tokens per second of the last decode").register(registry);
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    ServerMetrics(IntSupplier queuedSentences) {
        GaugeWithCallback.builder().name("dmodel_queue_sentences").help("sentences waiting for a decode")
                .callback(cb -> cb.call(queuedSentences.getAsInt())).register(registry);
    }

    /** Records one answered request. */
    void request(String path, int status, double seconds) {
        String endpoint = ENDPOINTS.contains(path) ? path : "other";
        String code = Integer.toString(status);
        requests.labelValues(endpoint, code).inc();
        if (status >= 400) {
            errors.labelValues(endpoint, code).inc();
        }
        latency.labelValues(endpoint).observe(seconds);
    }

    @Override
    public void decoded(int calls, int sentenceCount, int sourceTokens, int outputTokenCount, long nanos) {
        batchSentences.observe(sentenceCount);
        batchCalls.observe(calls);
        sentences.inc(sentenceCount);
        outputTokens.inc(outputTokenCount);
        if (nanos > 0) {
            tokensPerSecond.set(outputTokenCount * 1e9 / nanos);
        }
    }

    /** The Prometheus text format's content type. */
    String contentType() {
        return writer.getContentType();
    }

    /** Every metric in the Prometheus text format. */
    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape(), EscapingScheme.DEFAULT);
        return out.toByteArray();
    }
}
