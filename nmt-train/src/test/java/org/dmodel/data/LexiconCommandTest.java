package org.dmodel.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dmodel.lexicon.Lexicon;
import org.dmodel.testing.CommandRun;
import org.dmodel.text.Tokenizer;
import org.dmodel.text.Vocabularies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IBM Model 1 finds word translations, and {@code nmt-lexicon} writes them for the model's vocabulary. */
class LexiconCommandTest {
    @TempDir
    Path dir;

    private int id(Tokenizer vocabulary, String text) {
        int[] ids = vocabulary.encode(text);
        assertEquals(1, ids.length, text + " is one character");
        return ids[0];
    }

    @Test
    void modelOneAlignsWordsThatOnlyEverAppearTogetherInContext() throws IOException {
        // a↔x, b↔y, c↔z, but a and x appear in every pair: only EM's explaining away separates them
        List<String> src = List.of("ab", "ac", "abc", "a", "acb", "ba");
        List<String> tgt = List.of("xy", "xz", "xyz", "x", "xzy", "yx");
        Path s = DataFixtures.write(dir.resolve("c.src"), src);
        Path t = DataFixtures.write(dir.resolve("c.tgt"), tgt);
        try (Vocabularies vocab = DataFixtures.characters(200)) {
            Tokenizer chars = vocab.source();
            BinarizedDataset data = BinarizedDataset.binarize(s, t, vocab, dir.resolve("bin"),
                    new BitextOptions(new BitextFilter(100, 9), 1));
            Lexicon lexicon = IbmModel1.estimate(data, 10, 3, 0.0, 100);
            for (String[] pair : new String[][] {{"a", "x"}, {"b", "y"}, {"c", "z"}}) {
                int source = id(chars, pair[0]);
                assertEquals(id(chars, pair[1]), lexicon.translations(source, 1)[0], pair[0] + " → " + pair[1]);
                assertTrue(lexicon.probability(source, id(chars, pair[1])) > 0.5, pair[0] + " → " + pair[1]);
            }
            assertArrayEquals(new int[] {id(chars, "x")}, lexicon.frequent(1), "x is the most frequent target");
        }
    }

    @Test
    void writesALexiconForTheModelsVocabularyFromABinarizedCorpus() throws IOException {
        Path en = DataFixtures.write(dir.resolve("train.en"), DataFixtures.head("train.en.gz", 3000));
        Path de = DataFixtures.write(dir.resolve("train.de"), DataFixtures.head("train.de.gz", 3000));
        Path bin = dir.resolve("bin");
        Path out = dir.resolve("lex.tsv.gz");
        try (Vocabularies vocab = DataFixtures.spm()) {
            BinarizedDataset.binarize(en, de, vocab, bin, BitextOptions.defaults());
            CommandRun run = CommandRun.of(new LexiconCommand(), "--data-bin", bin.toString(), "--spm",
                    DataFixtures.SPM.toString(), "--out", out.toString(), "--keep", "5");
            assertEquals(0, run.status(), run.err());
            Lexicon lexicon = Lexicon.read(out, vocab.source(), vocab.target());
            int[] house = vocab.source().encode("house");
            assertEquals(1, house.length);
            assertEquals(5, lexicon.translations(house[0], 10).length, "--keep");
            String best = vocab.target().piece(lexicon.translations(house[0], 1)[0]);
            assertTrue(best.startsWith("▁Haus"), "best translation of ▁house: " + best);
        }
    }

    @Test
    void aLargeCorpusIsReadAtEvenlySpacedPairs() {
        assertArrayEquals(new int[] {0, 1, 2}, IbmModel1.evenlySpaced(3, 5));
        assertArrayEquals(new int[] {0, 2, 5, 7}, IbmModel1.evenlySpaced(10, 4));
    }

    @Test
    void userErrorsNameWhatToPass() throws IOException {
        String spm = DataFixtures.SPM.toString();
        CommandRun notBinarized = CommandRun.of(new LexiconCommand(), "--data-bin", dir.toString(), "--spm", spm,
                "--out", dir.resolve("lex.tsv").toString());
        assertEquals(2, notBinarized.status());
        assertTrue(notBinarized.err().contains("not a binarized corpus"), notBinarized.err());
        Path s = DataFixtures.write(dir.resolve("c.src"), List.of("ab"));
        try (Vocabularies vocab = DataFixtures.characters(200)) {
            BinarizedDataset.binarize(s, s, vocab, dir.resolve("bin"), BitextOptions.defaults());
        }
        CommandRun otherVocabulary = CommandRun.of(new LexiconCommand(), "--data-bin", dir.resolve("bin").toString(),
                "--spm", spm, "--out", dir.resolve("lex.tsv").toString());
        assertEquals(2, otherVocabulary.status());
        assertTrue(otherVocabulary.err().contains("200-piece source vocabulary"), otherVocabulary.err());
        assertFalse(Files.exists(dir.resolve("lex.tsv")));
    }
}
