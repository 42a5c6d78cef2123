package org.dmodel.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dmodel.testing.ChildJvm;
import org.dmodel.translate.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README "Serving": {@code nmt-serve} in a child JVM gets SIGTERM while a request is being decoded (held at the
 * {@code translate.batch} test point): it stops accepting connections at once, still answers that request, and exits
 * with status 0.
 */
class ServeSignalIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void sigtermStopsAcceptingAnswersTheRequestInFlightAndExitsZero() throws Exception {
        Path model = TestModels.random(dir.resolve("model"), "encdec", "mha");
        List<String> args = List.of("-m", model.toString(), "--port", "0", "--threads", "1", "--beam", "2");
        try (ChildJvm c = ChildJvm.start(dir, "serve", "translate.batch", ServeCommand.class, args)) {
            c.awaitLog("listening on http://");
            Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(c.log());
            assertTrue(m.find(), c.tail());
            URI base = URI.create("http://127.0.0.1:" + m.group(1));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
                    HttpRequest.newBuilder(base.resolve("/v1/translate"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"How are you?\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            c.awaitPause();
            c.signal("TERM");
            c.awaitLog("stopping");
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertThrows(IOException.class, () -> fresh.send(HttpRequest.newBuilder(base.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()), "a new connection after SIGTERM is refused");
            c.resume();
            HttpResponse<String> answer;
            try {
                answer = inFlight.get(ChildJvm.PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("the request in flight got no answer: " + e.getCause() + "\n" + c.tail(), e);
            }
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(1, JsonParser.parseString(answer.body()).getAsJsonObject().getAsJsonArray("translations")
                    .size());
            assertEquals(0, c.awaitExit(), c.tail());
            assertTrue(c.log().contains("stopped"), c.tail());
        }
    }
}
