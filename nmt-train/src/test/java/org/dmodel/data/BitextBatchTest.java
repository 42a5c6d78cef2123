package org.dmodel.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.dmodel.engine.Engines;
import org.dmodel.text.SpecialIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BitextBatchTest {
    private static final int PAD = SpecialIds.DEFAULT.pad();
    private static final int BOS = SpecialIds.DEFAULT.bos();
    private static final int EOS = SpecialIds.DEFAULT.eos();

    @TempDir
    static Path dir;
    private static BinarizedDataset data;
    private static final DataFixtures.CharacterTokenizer CHARS = new DataFixtures.CharacterTokenizer(300);

    @BeforeAll
    static void binarize() throws IOException {
        data = BinarizedDataset.binarize(DataFixtures.write(dir.resolve("b.src"), List.of("ab", "abcd", "z")),
                DataFixtures.write(dir.resolve("b.tgt"), List.of("xyz", "x", "yy")), DataFixtures.characters(300),
                dir.resolve("b.bin"), new BitextOptions(new BitextFilter(256, 10.0), 1));
    }

    private static int id(char c) {
        return CHARS.encode(String.valueOf(c))[0];
    }

    @Test
    void sourceGetsEosTargetInBosTargetOutEosPaddedWithinTheBatch() {
        BitextBatch batch = BitextBatch.collate(data, new int[] {1, 0}, SpecialIds.DEFAULT);
        int a = id('a');
        int b = id('b');
        int c = id('c');
        int d = id('d');
        int x = id('x');
        int y = id('y');
        int z = id('z');
        assertEquals(2, batch.size());
        assertEquals(5, batch.sourceLength(), "longest source (abcd) + EOS");
        assertEquals(4, batch.targetLength(), "longest target (xyz) + BOS");
        assertArrayEquals(new int[] {
            a, b, c, d, EOS,
            a, b, EOS, PAD, PAD}, batch.source());
        assertArrayEquals(new int[] {
            BOS, x, PAD, PAD,
            BOS, x, y, z}, batch.targetIn());
        assertArrayEquals(new int[] {
            x, EOS, PAD, PAD,
            x, y, z, EOS}, batch.targetOut());
        assertArrayEquals(new int[] {5, 3}, batch.sourceLengths());
        assertArrayEquals(new int[] {2, 4}, batch.targetLengths());
        assertEquals(6, batch.targetTokens());
        assertEquals(8, batch.sourceTokens());
        assertArrayEquals(new int[] {1, 0}, batch.indices());
    }

    @Test
    void paddingStopsAtTheLongestRowOfThisBatch() {
        BitextBatch batch = BitextBatch.collate(data, new int[] {2, 0}, SpecialIds.DEFAULT);
        assertEquals(3, batch.sourceLength(), "ab + EOS; the 4-token source of pair 1 is not in this batch");
        assertEquals(4, batch.targetLength());
    }

    @Test
    void toNDArraysGivesInt32MatricesOwnedByTheManager() {
        BitextBatch batch = BitextBatch.collate(data, new int[] {0, 1, 2}, SpecialIds.DEFAULT);
        try (NDManager manager = Engines.pytorch().newBaseManager()) {
            BitextBatch.Tensors t = batch.toNDArrays(manager);
            assertEquals(new Shape(3, 5), t.source().getShape());
            assertEquals(new Shape(3, 4), t.targetIn().getShape());
            assertEquals(new Shape(3, 4), t.targetOut().getShape());
            assertEquals(DataType.INT32, t.source().getDataType());
            assertArrayEquals(batch.source(), t.source().toIntArray());
            assertArrayEquals(batch.targetIn(), t.targetIn().toIntArray());
            assertArrayEquals(batch.targetOut(), t.targetOut().toIntArray());
            try (NDArray notPad = t.targetOut().neq(PAD); NDArray count = notPad.sum()) { // (B, T), ()
                assertEquals(batch.targetTokens(), count.getLong());
            }
            t.close();
            assertEquals(0, manager.getManagedArrays().size(), "closing the tensors releases all three");
        }
    }
}
