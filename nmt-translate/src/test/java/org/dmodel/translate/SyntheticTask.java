package org.dmodel.translate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A made-up translation task that a tiny model can learn in a minute, and whose output depends on the whole
 * source: each of 12 source words has one target word, and the target sentence is the translated words with the
 * last one moved to the front ({@code bako dune fira} → {@code cip tal vem}). Sentences have 3 to 8 words.
 * Also writes the word-level SentencePiece model the commands need (one piece per word, no sub-words).
 */
final class SyntheticTask {
    static final String SRC = "src";
    static final String TGT = "tgt";
    private static final String[] SOURCE_WORDS = {"bako", "dune", "fira", "gobu", "hemi", "jalo", "kesu", "lipa",
        "moro", "nuvi", "pesa", "rati"};
    private static final String[] TARGET_WORDS = {"tal", "vem", "wox", "yir", "zun", "quo", "sef", "gah", "cip",
        "xol", "ubi", "ern"};
    private static final String WORD_START = "\u2581"; // SentencePiece's escaped space

    private SyntheticTask() {}

    /** The reference translation of a source sentence. */
    static String translate(String source) {
        String[] words = source.split(" ");
        List<String> out = new ArrayList<>();
        for (String w : words) {
            out.add(TARGET_WORDS[List.of(SOURCE_WORDS).indexOf(w)]);
        }
        out.add(0, out.remove(out.size() - 1));
        return String.join(" ", out);
    }

    /** {@code count} distinct source sentences drawn with {@code seed}, none of them in {@code excluded}. */
    static List<String> sentences(int count, long seed, Set<String> excluded) {
        Random random = new Random(seed);
        Set<String> seen = new HashSet<>(excluded);
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            int n = 3 + random.nextInt(6);
            List<String> words = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                words.add(SOURCE_WORDS[random.nextInt(SOURCE_WORDS.length)]);
            }
            String s = String.join(" ", words);
            if (seen.add(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Writes PREFIX.src and PREFIX.tgt (the references) for {@code sources}; returns PREFIX. */
    static Path write(Path dir, String name, List<String> sources) throws IOException {
        Path prefix = dir.resolve(name);
        Files.write(Path.of(prefix + "." + SRC), sources, StandardCharsets.UTF_8);
        Files.write(Path.of(prefix + "." + TGT), sources.stream().map(SyntheticTask::translate).toList(),
                StandardCharsets.UTF_8);
        return prefix;
    }

    /**
     * Writes a joint SentencePiece model of type WORD (whitespace-delimited, identity normalization) with dmodel's
     * special ids (pad 0, unk 1, bos 2, eos 3) and one piece per source and target word: 28 pieces, so training
     * spends its time on the model rather than on an 8,000-way output layer. spm_train is not needed: the file is
     * the ModelProto of sentencepiece_model.proto, written field by field.
     */
    static Path writeSentencePieceModel(Path file) throws IOException {
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        piece(model, "<pad>", 3); // CONTROL
        piece(model, "<unk>", 2); // UNKNOWN
        piece(model, "<s>", 3);
        piece(model, "</s>", 3);
        for (String[] words : List.of(SOURCE_WORDS, TARGET_WORDS)) {
            for (String w : words) {
                piece(model, WORD_START + w, 1); // NORMAL
            }
        }
        ByteArrayOutputStream trainer = new ByteArrayOutputStream();
        varintField(trainer, 3, 3); // model_type WORD
        varintField(trainer, 4, 4 + SOURCE_WORDS.length + TARGET_WORDS.length); // vocab_size
        varintField(trainer, 40, 1); // unk_id
        varintField(trainer, 41, 2); // bos_id
        varintField(trainer, 42, 3); // eos_id
        varintField(trainer, 43, 0); // pad_id
        bytesField(model, 2, trainer.toByteArray());
        ByteArrayOutputStream normalizer = new ByteArrayOutputStream();
        bytesField(normalizer, 1, "identity".getBytes(StandardCharsets.UTF_8)); // name; no charsmap: no rewriting
        varintField(normalizer, 3, 1); // add_dummy_prefix
        varintField(normalizer, 4, 1); // remove_extra_whitespaces
        varintField(normalizer, 5, 1); // escape_whitespaces
        bytesField(model, 3, normalizer.toByteArray());
        Files.write(file, model.toByteArray());
        return file;
    }

    /** ModelProto.pieces (field 1): piece (1), score (2, float 0), type (3). */
    private static void piece(ByteArrayOutputStream model, String text, int type) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        bytesField(p, 1, text.getBytes(StandardCharsets.UTF_8));
        varint(p, (2 << 3) | 5);
        p.writeBytes(new byte[4]);
        varintField(p, 3, type);
        bytesField(model, 1, p.toByteArray());
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    private static void bytesField(ByteArrayOutputStream out, int field, byte[] value) {
        varint(out, ((long) field << 3) | 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
