package org.dmodel.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress output on stderr: a self-overwriting bar on a terminal, plain log lines otherwise (files,
 * pipes, CI). Not thread-safe.
 */
final class Progress {
    private final PrintStream err;
    private final boolean terminal;
    private int lastWidth;

    Progress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** A transient status (the bar); only shown on a terminal. */
    void status(String line) {
        if (!terminal) {
            return;
        }
        StringBuilder sb = new StringBuilder("\r").append(line);
        for (int i = line.length(); i < lastWidth; i++) {
            sb.append(' ');
        }
        lastWidth = line.length();
        err.print(sb);
        err.flush();
    }

    /** A permanent line (log lines, validation results). */
    void line(String line) {
        if (terminal && lastWidth > 0) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            lastWidth = 0;
        }
        err.println(line);
        err.flush();
    }

    /** A bar of {@code width} cells for fraction {@code f} of the run. */
    static String bar(double f, int width) {
        int full = (int) Math.round(Math.max(0, Math.min(1, f)) * width);
        return "[" + "#".repeat(full) + "-".repeat(width - full) + "]";
    }

    static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
