package org.dmodel.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.dmodel.text.SentencePieceTokenizer;
import org.dmodel.text.Tokenizer;

/**
 * The {@code meta.json} of a {@link BinarizedDataset}: what the binary files hold and what they were made
 * from. Immutable.
 *
 * @param format     layout version of the directory ({@link #FORMAT})
 * @param pairs      number of kept sentence pairs
 * @param source     the source side's vocabulary and id files
 * @param target     the target side's vocabulary and id files
 * @param provenance the inputs and settings; a dataset is reused only when they equal the current ones
 * @param report     what the filter kept and dropped
 */
public record DatasetMeta(int format, long pairs, Side source, Side target, Provenance provenance,
        FilterReport report) {
    /** The layout this version writes and reads. */
    public static final int FORMAT = 1;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /**
     * One side's ids.
     *
     * @param vocabSize size of the vocabulary the ids index
     * @param idBytes   bytes per stored id: 2 (unsigned, vocabularies up to 65,536) or 4
     * @param tokens    number of stored ids
     */
    public record Side(int vocabSize, int idBytes, long tokens) {
        static Side forVocabulary(int vocabSize, long tokens) {
            return new Side(vocabSize, vocabSize <= 1 << 16 ? 2 : 4, tokens);
        }
    }

    /**
     * A text file as it was when binarized: absolute path, size and modification time.
     *
     * @param path           absolute, normalized path
     * @param size           bytes
     * @param modifiedMillis last modification, milliseconds since the epoch
     */
    public record FileStamp(String path, long size, long modifiedMillis) {
        static FileStamp of(Path file) throws IOException {
            return new FileStamp(file.toAbsolutePath().normalize().toString(), Files.size(file),
                    Files.getLastModifiedTime(file).toMillis());
        }
    }

    /**
     * Everything the binary content depends on.
     *
     * @param sourceText      the source text file
     * @param targetText      the target text file
     * @param sourceTokenizer fingerprint of the source tokenizer ({@code sha256:} of its model file)
     * @param targetTokenizer fingerprint of the target tokenizer
     * @param filter          the filter settings
     */
    public record Provenance(FileStamp sourceText, FileStamp targetText, String sourceTokenizer,
            String targetTokenizer, BitextFilter filter) {
        /** The provenance a binarization of these inputs would record now. */
        static Provenance of(Path sourceFile, Path targetFile, Tokenizer source, Tokenizer target,
                BitextFilter filter) throws IOException {
            return new Provenance(FileStamp.of(sourceFile), FileStamp.of(targetFile), fingerprint(source),
                    fingerprint(target), filter);
        }
    }

    /**
     * Identifies a tokenizer: the SHA-256 of a SentencePiece model file, otherwise of its class, special ids
     * and pieces (which misses a change of segmentation scores, so prefer model files).
     */
    static String fingerprint(Tokenizer tokenizer) throws IOException {
        MessageDigest sha = sha256();
        if (tokenizer instanceof SentencePieceTokenizer sp) {
            return "sha256:" + HexFormat.of().formatHex(sha.digest(Files.readAllBytes(sp.file())));
        }
        sha.update((tokenizer.getClass().getName() + "\n" + tokenizer.specialIds() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            sha.update((tokenizer.piece(id) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return "pieces-sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** Writes this as JSON to {@code file}. */
    void write(Path file) throws IOException {
        Files.writeString(file, GSON.toJson(this) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException when it is not valid JSON of this shape (the message names the file)
     */
    static DatasetMeta read(Path file) throws IOException {
        DatasetMeta meta;
        try {
            meta = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), DatasetMeta.class);
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new IOException(file + ": not a readable dataset description (" + e.getMessage() + "). Delete"
                    + " the directory and binarize again.", e);
        }
        if (meta == null || meta.source == null || meta.target == null || meta.provenance == null
                || meta.report == null) {
            throw new IOException(file + ": fields are missing. Delete the directory and binarize again.");
        }
        return meta;
    }
}
