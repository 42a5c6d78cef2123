package org.dmodel.serve;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.config.ConfigJson;
import org.dmodel.io.ModelDirectory;
import org.dmodel.model.ModelSummary;
import org.dmodel.search.SearchOptions;
import org.dmodel.translate.BatchingTranslator;
import org.dmodel.translate.Translator;
import org.dmodel.translate.TranslatorOptions;
import org.dmodel.translate.cli.TranslatorOptionTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code bin/nmt-serve}: serves a model over HTTP (see {@link TranslationServer}) until SIGTERM or SIGINT, then stops
 * accepting connections, answers the requests in flight and exits 0. Prints {@code listening on http://HOST:PORT}
 * on stdout once the model is loaded.
 */
public final class ServeCommand extends CommandLineTool {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    public static void main(String[] args) {
        new ServeCommand().runAndExit(args);
    }

    @Override
    protected String name() {
        return "nmt-serve";
    }

    @Override
    protected String synopsis() {
        return "-m MODEL_DIR [--host 127.0.0.1] [--port 8080] [options]";
    }

    @Override
    protected void declare(OptionTable t) {
        SearchOptions d = SearchOptions.DEFAULTS;
        BatchingTranslator.Options b = BatchingTranslator.Options.defaults();
        t.value("model", "m", "DIR", null, "model directory (config.json, parameters, SentencePiece model, manifest)");
        t.value("host", null, "ADDR", "127.0.0.1", "address to listen on (0.0.0.0: every interface)");
        t.value("port", null, "N", "8080", "port to listen on (0: any free port, printed when ready)");
        t.value("beam", null, "K", Integer.toString(d.beam()), "beam size of requests that do not give one");
        t.value("lenpen", null, "A", Double.toString(d.lenpen()), "length penalty of requests that do not give one");
        t.value("max-beam", null, "K", "16", "largest beam and nbest a request may ask for");
        t.value("max-body-bytes", null, "N", Integer.toString(1 << 20), "larger request bodies get 413");
        t.value("max-texts", null, "N", "64", "requests with more texts get 413");
        t.value("max-chars", null, "N", "2000", "requests with a longer text (in characters) get 413");
        t.value("timeout", null, "SECONDS", "30", "requests not answered within this get 503");
        t.value("batch-size", null, "N", Integer.toString(b.maxBatchSentences()),
                "most sentences decoded together, across requests");
        t.value("max-tokens", null, "N", Integer.toString(b.maxBatchTokens()),
                "most source tokens decoded together, across requests");
        t.value("max-wait-ms", null, "MS", Long.toString(b.maxWait().toMillis()),
                "how long a request waits for others to share its batch when the decoder is idle");
        t.value("queue", null, "N", Integer.toString(b.maxQueuedSentences()),
                "most sentences waiting; requests beyond get 503 with Retry-After");
        t.flag("no-batching", null, "decode every request on its own (the library's per-call mode)");
        t.value("max-source-tokens", null, "N", "1024", "longer inputs are truncated");
        t.value("source-lang", null, "CODE", null, "LibreTranslate API: the only \"source\" accepted (besides auto)");
        t.value("target-lang", null, "CODE", null, "LibreTranslate API: the only \"target\" accepted");
        t.value("device", null, "DEV", "cpu", "cpu, gpu or gpu:N");
        t.value("threads", null, "N", "0", "intra-op threads per worker (0: the cores shared among the workers)");
        TranslatorOptionTable.declareWorkers(t);
        TranslatorOptionTable.declareShortlist(t);
        TranslatorOptionTable.declarePrecision(t);
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        Path modelDir = Path.of(t.require(cmd, "model"));
        SearchOptions defaults = SearchOptions.DEFAULTS.withBeam(t.getInt(cmd, "beam", 1))
                .withLenpen(t.getDouble(cmd, "lenpen", 0, 10));
        Limits limits = new Limits(t.getInt(cmd, "max-body-bytes", 1), t.getInt(cmd, "max-texts", 1),
                t.getInt(cmd, "max-chars", 1), t.getInt(cmd, "max-beam", 1),
                Duration.ofMillis(Math.round(t.getDouble(cmd, "timeout", 0.001, 86_400) * 1000)));
        BatchingTranslator.Options batching = new BatchingTranslator.Options(t.getInt(cmd, "batch-size", 1),
                t.getInt(cmd, "max-tokens", 1), Duration.ofMillis(t.getInt(cmd, "max-wait-ms", 0)),
                t.getInt(cmd, "queue", 1), !t.has(cmd, "no-batching"));
        TranslatorOptions options = TranslatorOptionTable.withWorkers(cmd, t, TranslatorOptions.builder()
                .search(defaults)
                .device(t.require(cmd, "device"))
                .threads(t.getInt(cmd, "threads", 0))
                .maxBatchSentences(batching.maxBatchSentences())
                .maxBatchTokens(batching.maxBatchTokens())
                .maxSourceTokens(t.getInt(cmd, "max-source-tokens", 2))
                .shortlist(TranslatorOptionTable.shortlist(cmd, t))
                .precision(TranslatorOptionTable.precision(cmd, t))
                .build());
        String host = t.require(cmd, "host");
        ModelDirectory.verify(modelDir); // a wrong path fails before the port is taken
        CountDownLatch stop = new CountDownLatch(1);
        try (TranslationServer server = new TranslationServer(limits, host, t.getInt(cmd, "port", 0));
                Translator translator = Translator.load(modelDir, options);
                BatchingTranslator batcher = new BatchingTranslator(translator, batching, server.metrics())) {
            JsonObject info = new JsonObject();
            info.addProperty("id", modelDir.toAbsolutePath().normalize().getFileName().toString());
            info.addProperty("path", modelDir.toAbsolutePath().normalize().toString());
            info.add("summary", ModelSummary.of(ConfigJson.read(modelDir.resolve(ModelDirectory.CONFIG))));
            info.addProperty("batching", batching.mergeCalls());
            server.ready(new TranslationServer.Model(batcher, translator.options().search(), info, t.get(cmd, "source-lang"),
                    t.get(cmd, "target-lang")));
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), s -> stop.countDown());
            }
            String shown = host.contains(":") ? "[" + host + "]" : host;
            System.out.println("listening on http://" + shown + ":" + server.port());
            System.out.flush();
            stop.await();
            boolean drained = server.drain(limits.timeout().plusSeconds(5));
            if (!drained) {
                LOG.warn("some requests were still in flight after {} s; stopping anyway",
                        limits.timeout().plusSeconds(5).toSeconds());
            }
        }
        LOG.info("stopped");
        return 0;
    }
}
