package org.dmodel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl on resume: whole JSON lines up to the checkpoint's step stay, a line cut by a kill goes. */
class MetricsLogTest {
    @TempDir
    Path dir;

    private static String line(String kind, long step) {
        return "{\"kind\":\"" + kind + "\",\"step\":" + step + ",\"loss\":" + (10 - step) + ".5}";
    }

    @Test
    void resumingDropsALineCutByAKillAndTheLinesAfterTheCheckpoint() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        String before = line("train", 1) + "\n" + line("train", 2) + "\n" + line("valid", 2) + "\n"
                + line("train", 3) + "\n" + "{\"kind\":\"train\",\"step\":4,\"lo"; // killed inside this write
        Files.writeString(file, before, StandardCharsets.UTF_8);
        try (MetricsLog log = new MetricsLog(file, 2)) {
            assertEquals(2, log.trainLoss.size());
            assertEquals(1, log.validLoss.size());
            JsonObject next = new JsonObject();
            next.addProperty("kind", "train");
            next.addProperty("step", 3);
            next.addProperty("loss", 7.5);
            log.append(next);
        }
        assertEquals(List.of(line("train", 1), line("train", 2), line("valid", 2), line("train", 3)),
                Files.readAllLines(file, StandardCharsets.UTF_8), "whole lines, the cut one gone, update 3 once");
    }

    @Test
    void aCutLineWithInvalidUtf8IsDroppedToo() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        byte[] whole = (line("train", 1) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] cut = {'{', '"', 'k', (byte) 0xE2, (byte) 0x82};
        byte[] all = new byte[whole.length + cut.length];
        System.arraycopy(whole, 0, all, 0, whole.length);
        System.arraycopy(cut, 0, all, whole.length, cut.length);
        Files.write(file, all);
        try (MetricsLog log = new MetricsLog(file, 5)) {
            assertEquals(1, log.trainLoss.size());
        }
        assertEquals(List.of(line("train", 1)), Files.readAllLines(file, StandardCharsets.UTF_8));
    }
}
