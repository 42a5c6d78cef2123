package org.dmodel.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dmodel.cli.UsageException;
import org.dmodel.io.TextLines;

/**
 * Streams the sentence pairs of two line-aligned text files (plain or {@code .gz}, UTF-8), one pair at a time,
 * so a corpus of any size is read in constant memory.
 *
 * <p>Every error the user can fix is a {@link UsageException} whose message names the file:
 * <ul>
 *   <li>{@code FILE: no such file. ...};</li>
 *   <li>{@code FILE:LINE: invalid UTF-8 at byte N of the file (column byte C). Convert the file to UTF-8, e.g.
 *       with iconv -f latin1 -t utf-8.} (from {@link TextLines}, which decodes each side strictly);</li>
 *   <li>{@code FILE is empty (0 lines): ...} when either file has no line at all;</li>
 *   <li>{@code SRC has X lines but TGT has Y: the files must be line-aligned.} when one file ends before the
 *       other (the rest of the longer file is read to count it).</li>
 * </ul>
 * Lines end at {@code \n} (a {@code \r} before it is dropped); a byte order mark at the start of a file is
 * dropped too.
 *
 * <pre>{@code
 * try (BitextReader in = BitextReader.open(Path.of("train.en.gz"), Path.of("train.de.gz"))) {
 *     for (BitextReader.Pair p = in.read(); p != null; p = in.read()) { ... }
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class BitextReader implements Closeable {
    /** One line of each file; {@code line} counts from 1. */
    public record Pair(long line, String source, String target) {}

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final TextLines source;
    private final TextLines target;

    private BitextReader(TextLines source, TextLines target) {
        this.source = source;
        this.target = target;
    }

    /**
     * Opens both files.
     *
     * @throws UsageException when a file is missing or a {@code .gz} file is not gzip
     */
    public static BitextReader open(Path sourceFile, Path targetFile) throws IOException {
        TextLines s = openSide(sourceFile);
        try {
            return new BitextReader(s, openSide(targetFile));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The file of one language of a corpus prefix, as {@code --train P --src-lang en} names it: {@code P.en} or
     * {@code P.en.gz}, whichever exists.
     *
     * @throws UsageException when neither or both exist
     */
    public static Path languageFile(String prefix, String language) {
        Path plain = Path.of(prefix + "." + language);
        Path gzip = Path.of(prefix + "." + language + ".gz");
        boolean hasPlain = Files.isRegularFile(plain);
        boolean hasGzip = Files.isRegularFile(gzip);
        if (hasPlain && hasGzip) {
            throw new UsageException("both " + plain + " and " + gzip + " exist. Delete one of them, or name the"
                    + " files one by one (nmt-binarize --src/--tgt).");
        }
        if (!hasPlain && !hasGzip) {
            throw new UsageException("neither " + plain + " nor " + gzip + " exists. Check the corpus prefix and"
                    + " the language suffixes.");
        }
        return hasPlain ? plain : gzip;
    }

    private static TextLines openSide(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageException(file + ": no such file. Check the path of the parallel data.");
        }
        try {
            return TextLines.open(file);
        } catch (IOException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /**
     * Returns the next pair, or null once both files have ended together.
     *
     * @throws UsageException on invalid UTF-8, an empty file, or files of different lengths (see the class doc)
     */
    public Pair read() throws IOException {
        String s = next(source);
        String t = next(target);
        if (s != null && t != null) {
            return new Pair(source.lineNumber(), s, t);
        }
        if (source.lineNumber() == 0 || target.lineNumber() == 0) {
            String empty = source.lineNumber() == 0 ? source.name() : target.name();
            throw new UsageException(empty + " is empty (0 lines): there is nothing to train on. Pass the source"
                    + " and target files of a non-empty, line-aligned corpus.");
        }
        if (s == null && t == null) {
            return null;
        }
        TextLines longer = s == null ? target : source;
        while (next(longer) != null) {
            // counting the remaining lines for the message
        }
        throw new UsageException(source.name() + " has " + source.lineNumber() + " lines but " + target.name()
                + " has " + target.lineNumber() + ": the files must be line-aligned.");
    }

    /** Number of pairs returned so far. */
    public long pairsRead() {
        return source.lineNumber();
    }

    private static String next(TextLines lines) throws IOException {
        String line;
        try {
            line = lines.next();
        } catch (TextLines.MalformedTextException e) {
            throw new UsageException(e.getMessage(), e);
        }
        if (line != null && lines.lineNumber() == 1 && line.startsWith(BYTE_ORDER_MARK)) {
            return line.substring(1);
        }
        return line;
    }

    @Override
    public void close() throws IOException {
        try {
            source.close();
        } finally {
            target.close();
        }
    }
}
