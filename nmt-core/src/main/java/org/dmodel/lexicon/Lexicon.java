package org.dmodel.lexicon;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.dmodel.io.AtomicFiles;
import org.dmodel.io.TextLines;
import org.dmodel.text.Tokenizer;

/**
 * A lexical translation table over a model's vocabularies: p(target piece | source piece), the best few per source
 * piece, and p(target piece) over the training corpus. Decoding reads it to restrict the output layer to the pieces
 * a sentence can plausibly need ({@link org.dmodel.search.Shortlist}, Marian's lexical shortlist); {@code nmt-lexicon}
 * estimates it from a parallel corpus.
 *
 * <p>File (UTF-8, plain or {@code .gz}; lines starting with {@code #} are comments): one entry per line,
 * {@code source piece TAB target piece TAB probability}. An empty source field gives p(target). Pieces are the
 * SentencePiece pieces, so a file is checked against the model it is used with; order does not matter. In memory
 * everything is by id, each list best first. Immutable and thread-safe.
 */
public final class Lexicon {
    private final int[] frequent;           // target ids by p(target), best first
    private final float[] prior;            // p(target) of frequent[i]
    private final int[][] translations;     // per source id: target ids by p(target | source), best first
    private final float[][] probabilities;  // matching p(target | source)

    /**
     * @param frequent target ids by decreasing {@code prior}
     * @param prior p(target) of each entry of {@code frequent}
     * @param translations per source id, target ids by decreasing probability (empty for a piece never seen)
     * @param probabilities per source id, p(target | source) of each entry of {@code translations}
     */
    public Lexicon(int[] frequent, float[] prior, int[][] translations, float[][] probabilities) {
        if (frequent.length != prior.length || translations.length != probabilities.length) {
            throw new IllegalArgumentException("ids and probabilities differ in length");
        }
        for (int s = 0; s < translations.length; s++) {
            if (translations[s].length != probabilities[s].length) {
                throw new IllegalArgumentException("source " + s + ": ids and probabilities differ in length");
            }
        }
        this.frequent = frequent;
        this.prior = prior;
        this.translations = translations;
        this.probabilities = probabilities;
    }

    /** Number of source ids the table covers (the source vocabulary size). */
    public int sourceSize() {
        return translations.length;
    }

    /** The {@code n} most frequent target ids (fewer if the table has fewer), best first. */
    public int[] frequent(int n) {
        return Arrays.copyOf(frequent, Math.min(n, frequent.length));
    }

    /** The {@code n} most probable translations of source id {@code source} (fewer if it has fewer), best first. */
    public int[] translations(int source, int n) {
        int[] t = translations[source];
        return Arrays.copyOf(t, Math.min(n, t.length));
    }

    /** p(target | source), 0 when the pair is not in the table. */
    public float probability(int source, int target) {
        int[] t = translations[source];
        for (int i = 0; i < t.length; i++) {
            if (t[i] == target) {
                return probabilities[source][i];
            }
        }
        return 0f;
    }

    /** Writes the table atomically (gzip-compressed when the name ends in .gz), pieces from the vocabularies. */
    public void write(Path file, Tokenizer source, Tokenizer target) throws IOException {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        AtomicFiles.write(file, stream -> {
            GZIPOutputStream zipped = gzip ? new GZIPOutputStream(stream, 1 << 16) : null;
            Writer out = new OutputStreamWriter(gzip ? zipped : stream, StandardCharsets.UTF_8);
            out.write("# dmodel lexicon: source piece TAB target piece TAB probability; an empty source is p(target)\n");
            for (int i = 0; i < frequent.length; i++) {
                entry(out, "", checked(target, frequent[i]), prior[i]);
            }
            for (int s = 0; s < translations.length; s++) {
                String piece = checked(source, s);
                for (int i = 0; i < translations[s].length; i++) {
                    entry(out, piece, checked(target, translations[s][i]), probabilities[s][i]);
                }
            }
            out.flush();
            if (zipped != null) {
                zipped.finish();
            }
        });
    }

    private static void entry(Writer out, String source, String target, float p) throws IOException {
        out.write(source);
        out.write('\t');
        out.write(target);
        out.write('\t');
        out.write(String.format(Locale.ROOT, "%.6g", p));
        out.write('\n');
    }

    private static String checked(Tokenizer vocabulary, int id) {
        String piece = vocabulary.piece(id);
        if (piece.isEmpty() || piece.indexOf('\t') >= 0 || piece.indexOf('\n') >= 0 || piece.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("piece " + id + " (\"" + piece + "\") is empty or holds a tab or line"
                    + " break; a lexicon file cannot store it");
        }
        return piece;
    }

    /**
     * Reads a table written for the given vocabularies.
     *
     * @throws IOException naming the file and line of a malformed entry or of a piece the vocabulary does not have
     */
    public static Lexicon read(Path file, Tokenizer source, Tokenizer target) throws IOException {
        Map<String, Integer> sourceIds = ids(source);
        Map<String, Integer> targetIds = source == target ? sourceIds : ids(target);
        Builder table = new Builder(source.vocabSize());
        try (TextLines lines = TextLines.open(file)) {
            for (String line = lines.next(); line != null; line = lines.next()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t", -1);
                String where = file + ":" + lines.lineNumber() + ": ";
                if (f.length != 3) {
                    throw new IOException(where + "expected 'source TAB target TAB probability', got " + f.length
                            + " fields. Rebuild the file with nmt-lexicon.");
                }
                float p;
                try {
                    p = Float.parseFloat(f[2]);
                } catch (NumberFormatException e) {
                    throw new IOException(where + "probability '" + f[2] + "' is not a number");
                }
                if (!(p >= 0 && p <= 1)) {
                    throw new IOException(where + "probability " + f[2] + " is outside [0, 1]");
                }
                int t = id(targetIds, f[1], where, "target");
                if (f[0].isEmpty()) {
                    table.prior(t, p);
                } else {
                    table.add(id(sourceIds, f[0], where, "source"), t, p);
                }
            }
        }
        return table.build(Integer.MAX_VALUE, 0f);
    }

    /** Collects entries in any order; {@link #build} sorts each list, most probable first (ties: lower id). */
    public static final class Builder {
        private final Entries prior = new Entries();
        private final Entries[] bySource;

        /** A table over source ids 0 … {@code sourceSize} − 1. */
        public Builder(int sourceSize) {
            bySource = new Entries[sourceSize];
        }

        /** Adds p(target). */
        public Builder prior(int target, float p) {
            prior.add(target, p);
            return this;
        }

        /** Adds p(target | source). */
        public Builder add(int source, int target, float p) {
            (bySource[source] == null ? bySource[source] = new Entries() : bySource[source]).add(target, p);
            return this;
        }

        /** The table, each source keeping its {@code keep} most probable translations of at least {@code minProbability}. */
        public Lexicon build(int keep, float minProbability) {
            int[][] translations = new int[bySource.length][];
            float[][] probabilities = new float[bySource.length][];
            for (int s = 0; s < bySource.length; s++) {
                Entries e = bySource[s] == null ? new Entries() : bySource[s];
                e.sortByProbability();
                e.truncate(keep, minProbability);
                translations[s] = e.ids();
                probabilities[s] = e.probabilities();
            }
            prior.sortByProbability();
            return new Lexicon(prior.ids(), prior.probabilities(), translations, probabilities);
        }
    }

    private static Map<String, Integer> ids(Tokenizer vocabulary) {
        Map<String, Integer> ids = new HashMap<>(2 * vocabulary.vocabSize());
        for (int i = 0; i < vocabulary.vocabSize(); i++) {
            ids.putIfAbsent(vocabulary.piece(i), i);
        }
        return ids;
    }

    private static int id(Map<String, Integer> ids, String piece, String where, String side) throws IOException {
        Integer id = ids.get(piece);
        if (id == null) {
            throw new IOException(where + side + " piece '" + piece + "' is not in the model's vocabulary: the lexicon"
                    + " was built for another SentencePiece model. Rebuild it with nmt-lexicon and this model's --spm.");
        }
        return id;
    }

    /** A growing list of (id, probability) pairs. */
    private static final class Entries {
        private long[] packed = new long[8]; // probability bits (non-negative float: order-preserving) << 32 | id
        private int size;

        void add(int id, float p) {
            if (size == packed.length) {
                packed = Arrays.copyOf(packed, 2 * size);
            }
            packed[size++] = ((long) Float.floatToIntBits(p) << 32) | id;
        }

        /** Highest probability first; ties by lower id. */
        void sortByProbability() {
            long[] keys = new long[size];
            for (int i = 0; i < size; i++) {
                // descending probability, ascending id: negate the probability bits only
                keys[i] = ((long) (Integer.MAX_VALUE - (int) (packed[i] >>> 32)) << 32) | (packed[i] & 0xffffffffL);
            }
            Arrays.sort(keys);
            for (int i = 0; i < size; i++) {
                packed[i] = ((long) (Integer.MAX_VALUE - (int) (keys[i] >>> 32)) << 32) | (keys[i] & 0xffffffffL);
            }
        }

        /** After sorting: keeps the first {@code keep} entries of probability at least {@code minProbability}. */
        void truncate(int keep, float minProbability) {
            int n = 0;
            while (n < Math.min(keep, size) && Float.intBitsToFloat((int) (packed[n] >>> 32)) >= minProbability) {
                n++;
            }
            size = n;
        }

        int[] ids() {
            int[] ids = new int[size];
            for (int i = 0; i < size; i++) {
                ids[i] = (int) packed[i];
            }
            return ids;
        }

        float[] probabilities() {
            float[] p = new float[size];
            for (int i = 0; i < size; i++) {
                p[i] = Float.intBitsToFloat((int) (packed[i] >>> 32));
            }
            return p;
        }
    }
}
