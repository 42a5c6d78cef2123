package org.dmodel.translate.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.dmodel.translate.TestModels;
import org.dmodel.translate.Translator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example service answers what the library answers. */
class TranslationServerTest {
    @Test
    void postedLinesComeBackTranslatedInOrder(@TempDir Path dir) throws Exception {
        Path model = TestModels.random(dir.resolve("m"), "encdec", "mha");
        List<String> lines = List.of("Hello.", "", "Good night.");
        List<String> expected;
        try (Translator t = Translator.load(model)) {
            expected = t.translate(lines);
        }
        try (TranslationServer server = new TranslationServer(model, 0)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/translate"))
                            .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals(String.join("\n", expected) + "\n", r.body());
        }
    }
}
