package org.dmodel.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.dmodel.cli.CommandLineTool;

/**
 * One in-process run of a command-line tool: exit status and what it wrote to stdout and stderr. Swaps the
 * process-wide streams while it runs, so tests that use it must not run in parallel with each other.
 */
public record CommandRun(int status, String out, String err) {
    /** Runs {@code tool} with {@code args} and empty stdin. */
    public static CommandRun of(CommandLineTool tool, String... args) {
        return withInput(tool, "", args);
    }

    /** Runs {@code tool} with {@code args}, reading {@code stdin} as its standard input. */
    public static CommandRun withInput(CommandLineTool tool, String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = tool.execute(args);
            return new CommandRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
