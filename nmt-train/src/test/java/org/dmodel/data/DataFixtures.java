package org.dmodel.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.dmodel.text.SentencePieceTokenizer;
import org.dmodel.text.SpecialIds;
import org.dmodel.text.Tokenizer;
import org.dmodel.text.Vocabularies;

/** Corpora, files and tokenizers shared by the data tests. */
final class DataFixtures {
    static final Path CORPUS = Path.of(System.getProperty("dmodel.repo.dir", "../"), "data", "tatoeba-eng-deu");
    static final Path SPM = CORPUS.resolve("spm.model");

    private DataFixtures() {}

    /** The bundled joint SentencePiece model for both sides. */
    static Vocabularies spm() throws IOException {
        return Vocabularies.joint(SPM);
    }

    /** Writes lines joined by {@code \n} (with a final newline), gzipped when the name ends in .gz. */
    static Path write(Path file, List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        return writeBytes(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Path writeBytes(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = file.getFileName().toString().endsWith(".gz")
                ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes);
        }
        return file;
    }

    /** The first {@code n} lines of a bundled .gz file. */
    static List<String> head(String name, int n) throws IOException {
        List<String> lines = new ArrayList<>(n);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(CORPUS.resolve(name))), StandardCharsets.UTF_8))) {
            for (String l = in.readLine(); l != null && lines.size() < n; l = in.readLine()) {
                lines.add(l);
            }
        }
        return lines;
    }

    /**
     * A tokenizer whose tokens are the characters of the text (space included), so lengths are under the
     * test's control: character c gets id {@code 4 + c % (vocabSize - 4)}.
     */
    static final class CharacterTokenizer implements Tokenizer {
        private final int vocabSize;

        CharacterTokenizer(int vocabSize) {
            this.vocabSize = vocabSize;
        }

        @Override
        public int[] encode(String text) {
            return text.chars().map(c -> 4 + c % (vocabSize - 4)).toArray();
        }

        @Override
        public String decode(int[] ids) {
            throw new UnsupportedOperationException("not needed by the data tests");
        }

        @Override
        public String piece(int id) {
            return "c" + id;
        }

        @Override
        public int vocabSize() {
            return vocabSize;
        }

        @Override
        public SpecialIds specialIds() {
            return SpecialIds.DEFAULT;
        }

        @Override
        public void close() {
        }
    }

    static Vocabularies characters(int vocabSize) {
        Tokenizer t = new CharacterTokenizer(vocabSize);
        return new Vocabularies(t, t);
    }
}
