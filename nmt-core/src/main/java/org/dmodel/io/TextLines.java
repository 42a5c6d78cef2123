package org.dmodel.io;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads a text file line by line as strict UTF-8: invalid bytes are an error naming the file, the line and
 * the byte offset, never a silent replacement character. Files ending in {@code .gz} are decompressed.
 * Lines end at {@code \n}; a preceding {@code \r} is dropped; a final line without {@code \n} counts. Not
 * thread-safe.
 */
public final class TextLines implements Closeable {
    private final String name;
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] chunk = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] buf = new byte[256];
    private long lineNumber;
    private long offset;

    private TextLines(String name, InputStream in) {
        this.name = name;
        this.in = in;
    }

    /**
     * Opens a file (plain or {@code .gz}).
     *
     * @throws IOException with a message naming the file when it is missing or unreadable
     */
    public static TextLines open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        InputStream s = new BufferedInputStream(raw, 1 << 16);
        if (file.getFileName().toString().endsWith(".gz")) {
            try {
                s = new BufferedInputStream(new GZIPInputStream(s, 1 << 16), 1 << 16);
            } catch (IOException e) {
                raw.close();
                throw new IOException(file + ": not a gzip file (" + e.getMessage() + "). Rename it without .gz or"
                        + " recompress it.", e);
            }
        }
        return new TextLines(file.toString(), s);
    }

    /** Reads a stream (e.g. stdin) under a display name used in error messages. */
    public static TextLines of(InputStream in, String name) {
        return new TextLines(name, new BufferedInputStream(in, 1 << 16));
    }

    /** Reads a whole file into a list. */
    public static List<String> readAll(Path file) throws IOException {
        try (TextLines lines = open(file)) {
            List<String> out = new ArrayList<>();
            for (String l = lines.next(); l != null; l = lines.next()) {
                out.add(l);
            }
            return out;
        }
    }

    /**
     * Returns the next line without its terminator, or null at the end.
     *
     * @throws MalformedTextException on invalid UTF-8
     */
    public String next() throws IOException {
        if (pos == limit && !fill()) {
            return null;
        }
        int n = 0;
        long start = offset;
        boolean newline = false;
        while (true) {
            if (pos == limit && !fill()) {
                break;
            }
            int end = pos;
            while (end < limit && chunk[end] != '\n') {
                end++;
            }
            int len = end - pos;
            if (n + len > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + len));
            }
            System.arraycopy(chunk, pos, buf, n, len);
            n += len;
            pos = end;
            if (end < limit) {
                pos++;
                newline = true;
                break;
            }
        }
        offset += n + (newline ? 1 : 0);
        lineNumber++;
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        return decode(n, start);
    }

    private boolean fill() throws IOException {
        int r = in.read(chunk, 0, chunk.length);
        if (r <= 0) {
            pos = 0;
            limit = 0;
            return false;
        }
        pos = 0;
        limit = r;
        return true;
    }

    private String decode(int n, long lineStart) throws MalformedTextException {
        boolean ascii = true;
        for (int i = 0; i < n && ascii; i++) {
            ascii = buf[i] >= 0;
        }
        if (ascii) {
            return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(buf, 0, n));
            return chars.toString();
        } catch (CharacterCodingException e) {
            int bad = firstInvalid(n);
            throw new MalformedTextException(name + ":" + lineNumber + ": invalid UTF-8 at byte " + (lineStart + bad)
                    + " of the file (column byte " + (bad + 1) + "). Convert the file to UTF-8, e.g. with"
                    + " iconv -f latin1 -t utf-8.", name, lineNumber);
        }
    }

    private int firstInvalid(int n) {
        for (int len = 1; len <= n; len++) {
            try {
                decoder.reset().decode(ByteBuffer.wrap(buf, 0, len));
            } catch (CharacterCodingException e) {
                // a prefix that ends inside a valid multi-byte character also fails: check the next bytes
                boolean truncatedValid = false;
                for (int extra = 1; extra <= 3 && len + extra <= n; extra++) {
                    try {
                        decoder.reset().decode(ByteBuffer.wrap(buf, 0, len + extra));
                        truncatedValid = true;
                        break;
                    } catch (CharacterCodingException ignored) {
                        // keep extending
                    }
                }
                if (!truncatedValid) {
                    return len - 1;
                }
            }
        }
        return 0;
    }

    /** Lines read so far (the number of the line last returned). */
    public long lineNumber() {
        return lineNumber;
    }

    /** Bytes read up to the end of the line last returned (after decompression): where the next line starts. */
    public long offset() {
        return offset;
    }

    /** The file name used in messages. */
    public String name() {
        return name;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Invalid UTF-8 in a text file; the message has the file, line and byte offset. */
    public static final class MalformedTextException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String file;
        private final long line;

        MalformedTextException(String message, String file, long line) {
            super(message);
            this.file = file;
            this.line = line;
        }

        /** The file's display name. */
        public String file() {
            return file;
        }

        /** The 1-based line number. */
        public long line() {
            return line;
        }
    }
}
