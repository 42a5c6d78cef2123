package org.dmodel.io;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.dmodel.config.ConfigJson;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.VocabInfo;
import org.dmodel.engine.Engines;
import org.dmodel.model.Models;
import org.dmodel.model.Seq2SeqModel;
import org.dmodel.text.SentencePieceTokenizer;
import org.dmodel.text.Tokenizer;
import org.dmodel.text.Vocabularies;

/**
 * A saved model: a directory with {@code config.json}, {@code parameters.bin} (DJL block parameter stream),
 * the SentencePiece model(s) ({@code spm.model}, or {@code source.spm.model} and {@code target.spm.model}) and
 * {@code manifest.json} (format version, sha256 and size of every other file, including any extra files a
 * checkpoint adds: {@code trainer-state.json}, {@code optimizer.bin}).
 *
 * <p>{@link #save} is atomic: everything is written and fsynced into {@code DIR.tmp-…}, which is then renamed
 * to {@code DIR} (an existing {@code DIR} is first renamed aside and deleted afterwards), so a crash never
 * leaves a half-written directory under the final name. {@link #load} verifies the manifest before reading
 * anything and refuses altered, truncated or missing files, entries that are not plain file names inside the
 * directory (path traversal) and malformed JSON, with a message naming the file and what to do. Stateless and
 * thread-safe (distinct directories).
 */
public final class ModelDirectory {
    /** Version of the directory layout ({@code manifest.json} "format"). */
    public static final int FORMAT = 1;
    public static final String CONFIG = "config.json";
    public static final String PARAMETERS = "parameters.bin";
    public static final String MANIFEST = "manifest.json";
    public static final String JOINT_SPM = "spm.model";
    public static final String SOURCE_SPM = "source.spm.model";
    public static final String TARGET_SPM = "target.spm.model";

    private ModelDirectory() {}

    /**
     * Saves a model atomically into {@code dir}, replacing any previous content.
     *
     * @param model a DJL model holding the block of {@code config}
     * @param vocabularies the SentencePiece tokenizers the model was trained with
     * @throws IllegalArgumentException when the vocabularies do not match the config
     */
    public static void save(Path dir, ModelConfig config, Model model, Vocabularies vocabularies) throws IOException {
        save(dir, config, model, vocabularies, Map.of());
    }

    /**
     * Saves a model as {@link #save(Path, ModelConfig, Model, Vocabularies)} does, with more files in the directory
     * that the manifest lists and {@link #verify} checks like the model's own (a checkpoint's trainer state and
     * optimizer moments).
     *
     * @param extraFiles file name (no directories) → what writes it, in order
     */
    public static void save(Path dir, ModelConfig config, Model model, Vocabularies vocabularies,
            Map<String, AtomicFiles.Writer> extraFiles) throws IOException {
        checkVocabularies(config, vocabularies, dir);
        for (String name : extraFiles.keySet()) {
            if (!plainFileName(name) || name.equals(MANIFEST) || name.equals(CONFIG) || name.equals(PARAMETERS)
                    || name.endsWith(JOINT_SPM)) {
                throw new IllegalArgumentException(name + ": not a name for an extra file in a model directory");
            }
        }
        Seq2SeqModel block = Models.block(model);
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = parent.resolve(target.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        try {
            Map<String, Path> files = new LinkedHashMap<>();
            Files.writeString(tmp.resolve(CONFIG), ConfigJson.toJson(config), StandardCharsets.UTF_8);
            files.put(CONFIG, tmp.resolve(CONFIG));
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(
                    Files.newOutputStream(tmp.resolve(PARAMETERS)), 1 << 16))) {
                block.saveParameters(out);
            }
            files.put(PARAMETERS, tmp.resolve(PARAMETERS));
            TestHooks.reached("model.write", tmp);
            if (vocabularies.joint()) {
                files.put(JOINT_SPM, copy(spmFile(vocabularies.target()), tmp.resolve(JOINT_SPM)));
            } else {
                files.put(SOURCE_SPM, copy(spmFile(vocabularies.source()), tmp.resolve(SOURCE_SPM)));
                files.put(TARGET_SPM, copy(spmFile(vocabularies.target()), tmp.resolve(TARGET_SPM)));
            }
            for (Map.Entry<String, AtomicFiles.Writer> extra : extraFiles.entrySet()) {
                Path file = tmp.resolve(extra.getKey());
                try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    extra.getValue().write(out);
                }
                files.put(extra.getKey(), file);
            }
            JsonObject manifest = new JsonObject();
            manifest.addProperty("format", FORMAT);
            JsonObject entries = new JsonObject();
            for (Map.Entry<String, Path> f : files.entrySet()) {
                JsonObject e = new JsonObject();
                e.addProperty("sha256", sha256(f.getValue()));
                e.addProperty("size", Files.size(f.getValue()));
                entries.add(f.getKey(), e);
                AtomicFiles.fsync(f.getValue());
            }
            manifest.add("files", entries);
            Files.writeString(tmp.resolve(MANIFEST), new GsonBuilder().setPrettyPrinting().create().toJson(manifest) + "\n",
                    StandardCharsets.UTF_8);
            AtomicFiles.fsync(tmp.resolve(MANIFEST));
            AtomicFiles.fsync(tmp);
            Path aside = null;
            if (Files.exists(target)) {
                aside = parent.resolve(target.getFileName() + ".old-" + UUID.randomUUID());
                AtomicFiles.move(target, aside);
            }
            AtomicFiles.move(tmp, target);
            AtomicFiles.fsync(parent);
            if (aside != null) {
                deleteTree(aside);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * Loads and verifies a model directory for inference: its parameters do not require gradients, so no forward
     * pass over them records an autograd graph, whatever the thread's grad mode.
     *
     * @throws IOException {@code DIR/FILE: what is wrong. What to do.} for a missing, altered or truncated file, an
     *     unknown format or a bad config
     */
    public static LoadedModel load(Path dir, Device device) throws IOException {
        return load(dir, device, false, null);
    }

    /** Loads and verifies a model directory to train on: as {@link #load}, with parameters that require gradients. */
    public static LoadedModel loadForTraining(Path dir, Device device) throws IOException {
        return load(dir, device, true, null);
    }

    /** {@link #loadForTraining(Path, Device)} with {@code remedy} ending the messages of {@link #verify(Path, String)}. */
    public static LoadedModel loadForTraining(Path dir, Device device, String remedy) throws IOException {
        return load(dir, device, true, remedy);
    }

    private static LoadedModel load(Path dir, Device device, boolean trainable, String remedy) throws IOException {
        if (remedy == null) {
            verify(dir);
        } else {
            verify(dir, remedy);
        }
        ModelConfig config;
        try {
            config = ConfigJson.read(dir.resolve(CONFIG));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        Vocabularies vocabularies = Files.exists(dir.resolve(JOINT_SPM))
                ? Vocabularies.joint(dir.resolve(JOINT_SPM))
                : Vocabularies.separate(dir.resolve(SOURCE_SPM), dir.resolve(TARGET_SPM));
        Model model = null;
        try {
            checkVocabularies(config, vocabularies, dir);
            model = Model.newInstance("dmodel", device, Engines.pytorch().getEngineName());
            Seq2SeqModel block = Models.create(config);
            model.setBlock(block);
            Path params = dir.resolve(PARAMETERS);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(params), 1 << 16))) {
                block.loadParameters(model.getNDManager(), in);
                if (in.read() != -1) {
                    throw new IOException(params + ": trailing data after the parameters; the file does not belong to"
                            + " this config.json. Re-copy the model directory or retrain.");
                }
            } catch (MalformedModelException | java.io.EOFException e) {
                throw new IOException(params + ": does not match config.json (" + e.getMessage()
                        + "). Re-copy the model directory or retrain.", e);
            }
            Models.initialize(block, model);
            block.freezeParameters(!trainable);
            return new LoadedModel(config, model, vocabularies);
        } catch (IOException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            vocabularies.close();
            throw e;
        }
    }

    /**
     * Checks the manifest of a model directory: known format, every listed file a plain name inside the directory,
     * present, with its size and sha256; config, parameters and SentencePiece model(s) listed.
     *
     * @throws IOException {@code DIR/FILE: what is wrong. Re-copy the model directory or retrain.}
     */
    public static void verify(Path dir) throws IOException {
        verify(dir, "Re-copy the model directory or retrain.");
    }

    /**
     * {@link #verify(Path)} with another remedy at the end of each message (e.g. how to resume from another
     * checkpoint).
     */
    public static void verify(Path dir, String remedy) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IOException(dir + ": not a dmodel model directory (no " + MANIFEST + "). Give the directory"
                    + " that nmt-train saved.");
        }
        JsonObject manifest;
        try {
            JsonElement e = JsonParser.parseString(Files.readString(manifestFile, StandardCharsets.UTF_8));
            manifest = e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(manifestFile + ": not valid JSON (file altered or truncated). " + remedy, e);
        }
        JsonElement format = manifest.get("format");
        if (format == null || !format.isJsonPrimitive() || !format.getAsJsonPrimitive().isNumber()
                || format.getAsDouble() != FORMAT) {
            throw new IOException(manifestFile + ": format " + format + " is not supported (this build reads format "
                    + FORMAT + "). Use the dmodel version that wrote the model.");
        }
        if (!(manifest.get("files") instanceof JsonObject files)) {
            throw new IOException(manifestFile + ": no \"files\" object (file altered). " + remedy);
        }
        if (!files.has(CONFIG) || !files.has(PARAMETERS)
                || !files.has(JOINT_SPM) && !(files.has(SOURCE_SPM) && files.has(TARGET_SPM))) {
            throw new IOException(manifestFile + ": must list " + CONFIG + ", " + PARAMETERS + " and " + JOINT_SPM
                    + " (or " + SOURCE_SPM + " and " + TARGET_SPM + "); file altered or truncated. " + remedy);
        }
        Path root = dir.toAbsolutePath().normalize();
        for (Map.Entry<String, JsonElement> f : files.entrySet()) {
            String name = f.getKey();
            if (!plainFileName(name) || !root.equals(root.resolve(name).normalize().getParent())) {
                throw new IOException(manifestFile + ": entry \"" + name + "\" is not a file name inside " + dir
                        + " (path traversal; the manifest was altered). " + remedy);
            }
            JsonObject e = f.getValue() instanceof JsonObject o ? o : new JsonObject();
            JsonElement size = e.get("size");
            JsonElement sha = e.get("sha256");
            if (!(size instanceof JsonPrimitive sz && sz.isNumber() && sha instanceof JsonPrimitive h && h.isString())) {
                throw new IOException(manifestFile + ": entry \"" + name + "\" has no size and sha256 (file altered). "
                        + remedy);
            }
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + ": missing (listed in " + MANIFEST + "). " + remedy);
            }
            if (Files.size(file) != size.getAsLong() || !sha256(file).equals(sha.getAsString())) {
                throw new IOException(file + ": checksum mismatch (file altered or truncated). " + remedy);
            }
        }
    }

    /** True when the manifest lists {@code name} (so {@link #verify} checks it). */
    public static boolean lists(Path dir, String name) throws IOException {
        try {
            JsonObject files = JsonParser.parseString(Files.readString(dir.resolve(MANIFEST), StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonObject("files");
            return files != null && files.has(name);
        } catch (JsonParseException | IllegalStateException | ClassCastException e) {
            return false;
        }
    }

    /** A name without directories: no separator, not {@code .} or {@code ..}, not empty. */
    private static boolean plainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\\') < 0 && name.indexOf(0) < 0 && name.indexOf(':') < 0;
    }

    private static void checkVocabularies(ModelConfig config, Vocabularies v, Path dir) {
        check(dir, "vocab", config.vocab(), v.target());
        if (config.sourceVocab() != null) {
            check(dir, "sourceVocab", config.sourceVocab(), v.source());
            if (v.joint()) {
                throw new IllegalArgumentException(dir + ": config.json has a separate sourceVocab but one joint"
                        + " SentencePiece model was given");
            }
        } else if (!v.joint()) {
            check(dir, "vocab (as source)", config.vocab(), v.source());
        }
    }

    private static void check(Path dir, String key, VocabInfo expected, Tokenizer tokenizer) {
        VocabInfo actual = VocabInfo.of(tokenizer);
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException(dir + ": config " + key + " " + expected + " does not match the"
                    + " SentencePiece model " + actual + ". Use the tokenizer the model was trained with.");
        }
    }

    private static Path spmFile(Tokenizer tokenizer) {
        if (!(tokenizer instanceof SentencePieceTokenizer sp)) {
            throw new IllegalArgumentException("a model directory stores SentencePiece models; got "
                    + tokenizer.getClass().getName());
        }
        return sp.file();
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.copy(from, to);
        return to;
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
