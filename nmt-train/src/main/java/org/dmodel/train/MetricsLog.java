package org.dmodel.train;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code metrics.jsonl} in the save directory: one JSON object per training log line ({@code "kind":"train"})
 * and per validation ({@code "kind":"valid"}), appended and flushed line by line; on resume, lines from
 * steps after the checkpoint are dropped so the file describes one consistent run. Also keeps the series
 * for the training-curve PNG. Not thread-safe.
 */
final class MetricsLog implements AutoCloseable {
    private final Path file;
    private final Writer out;
    final List<TrainingCurve.Point> trainLoss = new ArrayList<>();
    final List<TrainingCurve.Point> validLoss = new ArrayList<>();
    final List<TrainingCurve.Point> validBleu = new ArrayList<>();

    MetricsLog(Path file, long resumeStep) throws IOException {
        this.file = file;
        List<String> kept = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonObject o;
                try {
                    o = com.google.gson.JsonParser.parseString(line).getAsJsonObject();
                } catch (RuntimeException e) {
                    continue; // a line cut by a crash
                }
                long step = o.get("step").getAsLong();
                if (step > resumeStep) {
                    continue;
                }
                kept.add(line);
                remember(o);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
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
