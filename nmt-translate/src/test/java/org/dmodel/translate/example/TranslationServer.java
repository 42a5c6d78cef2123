package org.dmodel.translate.example;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import org.dmodel.translate.Translator;
import org.dmodel.translate.TranslatorOptions;

/**
 * Example: a translation service on the JDK's built-in HTTP server. {@code POST /translate} with UTF-8 text,
 * one sentence per line, answers the translations, one per line. One {@link Translator} serves every request
 * thread.
 *
 * <pre>
 * java -cp ... org.dmodel.translate.example.TranslationServer runs/quickstart/model 8080
 * curl --data-binary $'How are you?\nGood night.' http://localhost:8080/translate
 * </pre>
 */
public final class TranslationServer implements AutoCloseable {
    private final Translator translator;
    private final HttpServer server;

    /** Loads the model and starts listening on {@code port} (0: any free port) on the loopback address. */
    public TranslationServer(Path modelDir, int port) throws IOException {
        translator = Translator.load(modelDir, TranslatorOptions.builder().workers(1).build());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/translate", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, "POST text, one sentence per line\n");
                return;
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                send(exchange, 200, String.join("\n", translator.translate(body.lines().toList())) + "\n");
            } catch (RuntimeException e) {
                send(exchange, 500, "translation failed: " + e.getMessage() + "\n");
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdown();
        translator.close();
    }

    /** {@code TranslationServer MODEL_DIR [PORT]}. */
    public static void main(String[] args) throws IOException {
        TranslationServer s = new TranslationServer(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 8080);
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        System.err.println("listening on http://127.0.0.1:" + s.port() + "/translate");
    }
}
