package org.dmodel.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.dmodel.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code metrics.jsonl} in the save directory: one JSON object per training log line ({@code "kind":"train"})
 * and per validation ({@code "kind":"valid"}), appended and flushed line by line (one write each), so a crash
 * leaves whole lines, except a kill inside that write, which leaves the last line cut short. On resume the file
 * is rewritten atomically: lines from steps after the checkpoint are dropped (the run repeats those updates) and
 * so is a cut line, with a warning; the file then describes one consistent run. Also keeps the series for the
 * training-curve PNG. Not thread-safe.
 */
final class MetricsLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsLog.class);
    private final Path file;
    private final Writer out;
    final List<TrainingCurve.Point> trainLoss = new ArrayList<>();
    final List<TrainingCurve.Point> validLoss = new ArrayList<>();
    final List<TrainingCurve.Point> validBleu = new ArrayList<>();

    MetricsLog(Path file, long resumeStep) throws IOException {
        this.file = file;
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            // decoding replaces bytes a cut could leave invalid, rather than failing
            String[] lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o = parse(line);
                if (o == null) {
                    // a kill inside the write of a line leaves it cut short (always the last one)
                    LOG.warn("{}:{}: dropping an incomplete line (cut by an earlier crash)", file, i + 1);
                    continue;
                }
                if (o.get("step").getAsLong() > resumeStep) {
                    continue; // logged after the checkpoint this run resumes from: the run repeats those updates
                }
                kept.add(line);
                remember(o);
            }
        }
        AtomicFiles.write(file, stream -> {
            for (String line : kept) {
                stream.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** A metrics record, or null for a line that is not one (cut short). */
    private static JsonObject parse(String line) {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (e.isJsonObject() && e.getAsJsonObject().get("step") instanceof JsonPrimitive step && step.isNumber()
                    && e.getAsJsonObject().get("kind") instanceof JsonPrimitive kind && kind.isString()) {
                return e.getAsJsonObject();
            }
            return null;
        } catch (JsonParseException e) {
            return null;
        }
    }

    void append(JsonObject record) throws IOException {
        out.write(record.toString());
        out.write('\n');
        out.flush();
        remember(record);
    }

    private void remember(JsonObject o) {
        long step = o.get("step").getAsLong();
        String kind = o.get("kind").getAsString();
        if (kind.equals("train") && o.has("loss")) {
            trainLoss.add(new TrainingCurve.Point(step, o.get("loss").getAsDouble()));
        } else if (kind.equals("valid")) {
            if (o.has("loss")) {
                validLoss.add(new TrainingCurve.Point(step, o.get("loss").getAsDouble()));
            }
            if (o.has("bleu")) {
                validBleu.add(new TrainingCurve.Point(step, o.get("bleu").getAsDouble()));
            }
        }
    }

    Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
