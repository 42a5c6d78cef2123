package org.dmodel.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinarizeCommandTest {
    @TempDir
    Path dir;

    private static int run(String... args) {
        return new BinarizeCommand().execute(args);
    }

    @Test
    void binarizesAPrefixWithGzipAndPlainSides() throws IOException {
        DataFixtures.write(dir.resolve("train.en.gz"), DataFixtures.head("train.en.gz", 100));
        DataFixtures.write(dir.resolve("train.de"), DataFixtures.head("train.de.gz", 100));
        Path out = dir.resolve("train.en-de");
        assertEquals(0, run("--prefix", dir.resolve("train").toString(), "--src-lang", "en", "--tgt-lang", "de",
                "--spm", DataFixtures.SPM.toString(), "--out", out.toString(), "--max-len", "200", "--workers",
                "2"));
        BinarizedDataset data = BinarizedDataset.open(out);
        assertEquals(100, data.meta().report().read());
        assertEquals(new BitextFilter(200, BitextFilter.DEFAULT_MAX_RATIO), data.meta().provenance().filter());
        assertEquals(0, run("--src", dir.resolve("train.en.gz").toString(), "--tgt",
                dir.resolve("train.de").toString(), "--src-spm", DataFixtures.SPM.toString(), "--tgt-spm",
                DataFixtures.SPM.toString(), "--out", out.toString(), "--force"));
    }

    @Test
    void userErrorsExitWithStatusTwo() throws IOException {
        Path en = DataFixtures.write(dir.resolve("c.en"), List.of("a", "b", "c"));
        Path de = DataFixtures.write(dir.resolve("c.de"), List.of("a", "b"));
        String spm = DataFixtures.SPM.toString();
        String out = dir.resolve("c.bin").toString();
        assertEquals(2, run("--src", en.toString(), "--tgt", de.toString(), "--spm", spm, "--out", out),
                "line counts differ");
        assertEquals(2, run("--src", en.toString(), "--tgt", en.toString(), "--spm", spm, "--src-spm", spm,
                "--out", out), "two vocabulary choices");
        assertEquals(2, run("--prefix", dir.resolve("c").toString(), "--src-lang", "en", "--tgt-lang", "fr",
                "--spm", spm, "--out", out), "no c.fr");
        assertEquals(2, run("--src", en.toString(), "--tgt", en.toString(), "--spm", spm, "--out", out,
                "--max-ratio", "0.5"), "ratio below 1");
        assertEquals(2, run("--spm", spm, "--out", out), "no input");
        assertFalse(Files.exists(Path.of(out)));
        assertEquals(0, run("--help"));
    }
}
