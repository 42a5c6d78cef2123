package org.dmodel.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SentencePieceTokenizerTest {
    static final Path MODEL = Path.of(System.getProperty("dmodel.repo.dir", "../"), "data", "tatoeba-eng-deu", "spm.model");
    static SentencePieceTokenizer tok;

    @BeforeAll
    static void load() throws IOException {
        tok = SentencePieceTokenizer.load(MODEL);
    }

    @AfterAll
    static void close() {
        tok.close();
    }

    @Test
    void vocabularySizeAndSpecialIdsComeFromTheModelFile() throws IOException {
        List<String> vocab = Files.readAllLines(MODEL.resolveSibling("spm.vocab"));
        assertEquals(vocab.size(), tok.vocabSize());
        assertEquals(SpecialIds.DEFAULT, tok.specialIds());
        for (int id : new int[] {0, 1, 2, 3, 100, tok.vocabSize() - 1}) {
            assertEquals(vocab.get(id).split("\t")[0], tok.piece(id), "piece " + id);
        }
    }

    @Test
    void roundTripIncludingNonLatinText() {
        for (String s : List.of("Tom is reading a book.", "Ich habe keine Zeit, über Straßen zu gehen.",
                "Это пример.", "这是一个例子。", "naïve café — 3.14 € ✓")) {
            int[] ids = tok.encode(s);
            assertTrue(ids.length > 0, s);
            assertEquals(s, tok.decode(ids), "decode(encode(x)) == x for NFKC-stable text");
        }
    }

    @Test
    void emptyStringsEncodeToNothingAndDecodeBack() {
        assertArrayEquals(new int[0], tok.encode(""));
        assertEquals("", tok.decode(new int[0]));
    }

    @Test
    void decodeSkipsControlIds() {
        SpecialIds sp = tok.specialIds();
        int[] ids = tok.encode("Hallo Welt!");
        int[] framed = new int[ids.length + 3];
        framed[0] = sp.bos();
        System.arraycopy(ids, 0, framed, 1, ids.length);
        framed[ids.length + 1] = sp.eos();
        framed[ids.length + 2] = sp.pad();
        assertEquals("Hallo Welt!", tok.decode(framed));
    }

    @Test
    void outOfRangeIdsAreRejectedBeforeReachingNativeCode() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.piece(tok.vocabSize()));
        assertTrue(e.getMessage().contains("size " + tok.vocabSize()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {5, -1}));
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {tok.vocabSize() + 7}));
    }

    @Test
    void sharedAcrossThreads() throws InterruptedException {
        String s = "Der schnelle braune Fuchs springt über den faulen Hund.";
        int[] expected = tok.encode(s);
        Thread[] threads = new Thread[4];
        boolean[] ok = new boolean[threads.length];
        for (int t = 0; t < threads.length; t++) {
            int i = t;
            threads[t] = new Thread(() -> {
                boolean all = true;
                for (int n = 0; n < 500; n++) {
                    all &= Arrays.equals(expected, tok.encode(s)) && s.equals(tok.decode(expected));
                }
                ok[i] = all;
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (boolean b : ok) {
            assertTrue(b);
        }
    }

    @Test
    void notAModelFileIsRefusedWithItsName(@TempDir Path dir) throws IOException {
        Path bogus = dir.resolve("bogus.model");
        Files.writeString(bogus, "this is not a protobuf\n");
        IOException e = assertThrows(IOException.class, () -> SentencePieceTokenizer.load(bogus));
        assertTrue(e.getMessage().startsWith(bogus.toString()), e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> SentencePieceTokenizer.load(dir.resolve("nope.model")));
        assertTrue(missing.getMessage().contains("spm-train.sh"), missing.getMessage());
    }

    @Test
    void truncatedModelIsRefused(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(MODEL);
        Path cut = dir.resolve("cut.model");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        IOException e = assertThrows(IOException.class, () -> SentencePieceTokenizer.load(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void jointVocabulariesCloseOnce() throws IOException {
        try (Vocabularies v = Vocabularies.joint(MODEL)) {
            assertTrue(v.joint());
            assertArrayEquals(v.source().encode("Hallo"), v.target().encode("Hallo"));
        }
    }
}
