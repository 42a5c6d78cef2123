package org.dmodel.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PNG is a readable image of the fixed size, with every series drawn, and it replaces an old file whole. */
class LinePlotTest {
    @Test
    void writesAReadablePngWithEverySeriesDrawn(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plot.png");
        Files.writeString(png, "old");
        LinePlot.builder().title("t").labels("lr", "loss", "bleu").logX(true)
                .add(new LinePlot.Series("a", new double[] {1e-4, 1e-3, 1e-2}, new double[] {3, 2, Double.NaN}))
                .add(new LinePlot.Series("b", new double[] {1e-3}, new double[] {20}, true))
                .build().write(png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(900, img.getWidth());
        assertEquals(520, img.getHeight());
        assertTrue(countColor(img, 31, 119, 180) > 50, "first series colour present");
        assertTrue(countColor(img, 255, 127, 14) > 5, "second series (a dot) present");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void mismatchedSeriesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new LinePlot.Series("x", new double[2], new double[3]));
    }

    private static int countColor(BufferedImage img, int r, int g, int b) {
        int n = 0;
        int want = (r << 16) | (g << 8) | b;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == want) {
                    n++;
                }
            }
        }
        return n;
    }
}
