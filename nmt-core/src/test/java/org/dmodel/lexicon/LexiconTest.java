package org.dmodel.lexicon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lexicon file: what is written is read back, by piece, and a bad line is named. */
class LexiconTest {
    @TempDir
    Path dir;

    /** Pieces p0 … p(n−1). */
    private static Tokenizer pieces(int n, String prefix) {
        return new Tokenizer() {
            public int[] encode(String text) {
                throw new UnsupportedOperationException();
            }

            public String decode(int[] ids) {
                throw new UnsupportedOperationException();
            }

            public String piece(int id) {
                return prefix + id;
            }

            public int vocabSize() {
                return n;
            }

            public SpecialIds specialIds() {
                return SpecialIds.DEFAULT;
            }

            public void close() {}
        };
    }

    private static Lexicon table() {
        int[][] translations = {{}, {4, 2}, {3}};
        float[][] probabilities = {{}, {0.75f, 0.25f}, {1f}};
        return new Lexicon(new int[] {2, 4}, new float[] {0.6f, 0.4f}, translations, probabilities);
    }

    @Test
    void whatIsWrittenIsReadBackPlainOrCompressed() throws IOException {
        Tokenizer source = pieces(3, "s");
        Tokenizer target = pieces(5, "t");
        for (String name : new String[] {"lex.tsv", "lex.tsv.gz"}) {
            Path file = dir.resolve(name);
            table().write(file, source, target);
            Lexicon read = Lexicon.read(file, source, target);
            assertEquals(3, read.sourceSize());
            assertArrayEquals(new int[] {2, 4}, read.frequent(5));
            assertArrayEquals(new int[] {4, 2}, read.translations(1, 5));
            assertArrayEquals(new int[] {4}, read.translations(1, 1));
            assertArrayEquals(new int[] {3}, read.translations(2, 5));
            assertEquals(0.25f, read.probability(1, 2), 1e-6);
            assertEquals(0f, read.probability(0, 2));
        }
        assertTrue(Files.readString(dir.resolve("lex.tsv")).contains("s1\tt4\t0.75"));
    }

    @Test
    void aMalformedLineOrAnUnknownPieceIsNamedWithItsLine() throws IOException {
        Tokenizer source = pieces(3, "s");
        Tokenizer target = pieces(5, "t");
        Path file = dir.resolve("bad.tsv");
        Files.writeString(file, "# comment\n\tt1\t0.5\ns1\tt9\t0.5\n", StandardCharsets.UTF_8);
        IOException unknown = assertThrows(IOException.class, () -> Lexicon.read(file, source, target));
        assertTrue(unknown.getMessage().startsWith(file + ":3: target piece 't9'"), unknown.getMessage());
        Files.writeString(file, "s1\tt1\n", StandardCharsets.UTF_8);
        IOException fields = assertThrows(IOException.class, () -> Lexicon.read(file, source, target));
        assertTrue(fields.getMessage().startsWith(file + ":1: expected"), fields.getMessage());
        Files.writeString(file, "s1\tt1\t1.5\n", StandardCharsets.UTF_8);
        IOException range = assertThrows(IOException.class, () -> Lexicon.read(file, source, target));
        assertTrue(range.getMessage().contains(":1: probability 1.5 is outside"), range.getMessage());
    }
}
