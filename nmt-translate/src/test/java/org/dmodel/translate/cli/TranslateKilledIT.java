package org.dmodel.translate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dmodel.testing.ChildJvm;
import org.dmodel.testing.CommandRun;
import org.dmodel.translate.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * README "Translating": {@code -o} is written atomically. {@code nmt-translate} in a child JVM, killed with
 * {@code kill -9} after it wrote translations but before it replaced the output, leaves the earlier output file
 * as it was and no partial file under its name; the next run deletes the killed run's temporary file.
 */
class TranslateKilledIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void killedMidRunItLeavesThePreviousOutputIntactAndNoPartialFile() throws Exception {
        Path model = TestModels.random(dir.resolve("model"), "encdec", "mha");
        Path run = Files.createDirectory(dir.resolve("run"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add("Sentence number " + i + ".");
        }
        Path in = Files.write(run.resolve("in.txt"), lines, StandardCharsets.UTF_8);
        Path out = Files.writeString(run.resolve("out.txt"), "previous output\n");
        List<String> args = List.of("-m", model.toString(), "-i", in.toString(), "-o", out.toString(), "--max-len-b",
                "3", "-q", "--threads", "1");
        try (ChildJvm c = ChildJvm.start(dir, "translate", "translate.output#1", TranslateCommand.class, args)) {
            c.awaitPause(); // every line translated and written to the temporary file; -o not yet replaced
            c.kill();
        }
        assertEquals("previous output\n", Files.readString(out), "the earlier output survives the kill");
        List<String> names = names(run);
        assertEquals(3, names.size(), names.toString());
        assertEquals(List.of("in.txt", "out.txt"), names.subList(1, 3));
        String temporary = names.get(0);
        assertTrue(temporary.startsWith(".out.txt.tmp-"), "only a hidden temporary file holds the partial output: "
                + names);
        assertEquals(lines.size(), Files.readAllLines(run.resolve(temporary)).size(), "the kill came after the writing");

        CommandRun again = CommandRun.of(new TranslateCommand(), args.toArray(String[]::new));
        assertEquals(0, again.status(), again.err());
        assertEquals(lines.size(), Files.readAllLines(out).size());
        assertEquals(List.of("in.txt", "out.txt"), names(run), "the killed run's temporary file is deleted");
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
