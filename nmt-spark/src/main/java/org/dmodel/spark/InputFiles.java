package org.dmodel.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.dmodel.cli.UsageException;
import org.dmodel.io.TextLines;

/**
 * The text files of an input (a file, a directory or a glob on any Hadoop file system), in name order: the order
 * of the output lines. Serializable so that tasks can open them.
 */
final class InputFiles implements Serializable {
    private static final long serialVersionUID = 1L;
    private final List<String> files;

    private InputFiles(List<String> files) {
        this.files = files;
    }

    /** Lists {@code input}; hidden files ({@code _SUCCESS}, {@code .crc}) in a directory are skipped. */
    static InputFiles list(String input, Configuration conf) throws IOException {
        Path pattern = new Path(input);
        FileSystem fs = pattern.getFileSystem(conf);
        FileStatus[] matched = fs.globStatus(pattern);
        List<String> out = new ArrayList<>();
        if (matched != null) {
            for (FileStatus m : matched) {
                if (m.isDirectory()) {
                    for (FileStatus f : fs.listStatus(m.getPath())) {
                        String name = f.getPath().getName();
                        if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                            out.add(f.getPath().toString());
                        }
                    }
                } else {
                    out.add(m.getPath().toString());
                }
            }
        }
        if (out.isEmpty()) {
            throw new UsageException(input + ": no such file, or a directory or glob without files.");
        }
        out.sort(Comparator.naturalOrder());
        return new InputFiles(List.copyOf(out));
    }

    int size() {
        return files.size();
    }

    String name(int file) {
        return files.get(file);
    }

    /**
     * Opens a file as strict UTF-8 lines ({@code .gz} decompressed) starting at byte {@code offset} of its text:
     * uncompressed files seek there, compressed ones are read up to it. Line numbers in messages count from there.
     */
    TextLines open(int file, long offset) throws IOException {
        Path p = new Path(files.get(file));
        FSDataInputStream raw = p.getFileSystem(new Configuration()).open(p);
        InputStream in = raw;
        boolean gz = p.getName().endsWith(".gz");
        try {
            if (gz) {
                in = new GZIPInputStream(raw, 1 << 16);
                in.skipNBytes(offset);
            } else {
                raw.seek(offset);
            }
        } catch (IOException e) {
            raw.close();
            throw new IOException(p + ": " + (gz ? "not a gzip file or truncated" : "unreadable") + " ("
                    + e.getMessage() + ")", e);
        }
        return TextLines.of(in, p.toString());
    }
}
