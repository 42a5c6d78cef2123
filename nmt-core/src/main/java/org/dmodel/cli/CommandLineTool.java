package org.dmodel.cli;

import java.io.PrintWriter;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.ParseException;

/**
 * The shared shape of dmodel's commands: declare options once, parse, print {@code --help}, run, and turn
 * failures into one line on stderr and an exit status (0 ok, 2 usage or input error, 1 anything else; the
 * stack trace only with {@code --debug}).
 */
public abstract class CommandLineTool {
    /** The command's name as a user types it, e.g. {@code nmt-translate}. */
    protected abstract String name();

    /** The synopsis after the name, e.g. {@code -m MODEL_DIR [-i IN] [-o OUT]}. */
    protected abstract String synopsis();

    /** Adds this command's options; {@code --help}, {@code --debug} and {@code --verbose} are added for every command. */
    protected abstract void declare(OptionTable table);

    /** Runs the command; returns its exit status. */
    protected abstract int run(CommandLine cmd, OptionTable table) throws Exception;

    /** Parses {@code args}, runs, and returns the exit status (never calls {@link System#exit}). */
    public final int execute(String... args) {
        OptionTable table = new OptionTable();
        declare(table);
        table.flag("help", "h", "print this help and exit");
        table.flag("debug", null, "print stack traces for errors");
        // read by the bin/ launcher, which sets the log levels before the JVM starts
        table.flag("verbose", null, "also print the engine's log lines (DJL's INFO lines, CUDA detection)");
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        try {
            CommandLine cmd;
            try {
                cmd = DefaultParser.builder().get().parse(table.options(), args);
            } catch (ParseException e) {
                throw new UsageException(e.getMessage() + ". See " + name() + " --help.");
            }
            if (cmd.hasOption("help")) {
                printHelp(table);
                return 0;
            }
            return run(cmd, table);
        } catch (UsageException e) {
            System.err.println(name() + ": " + e.getMessage());
            if (debug) {
                e.printStackTrace();
            }
            return 2;
        } catch (Exception | Error e) {
            System.err.println(name() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (debug) {
                e.printStackTrace();
            } else {
                System.err.println("(run with --debug for the stack trace)");
            }
            return 1;
        }
    }

    /**
     * Runs {@link #execute} and exits the JVM with its status; for {@code main} methods:
     * {@code public static void main(String[] args) { new MyCommand().runAndExit(args); }} (an instance method
     * named {@code main} would make that static {@code main} illegal in subclasses).
     */
    public final void runAndExit(String[] args) {
        int status = execute(args);
        System.out.flush();
        System.exit(status);
    }

    private void printHelp(OptionTable table) {
        HelpFormatter help = HelpFormatter.builder().get();
        PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
        help.printHelp(out, 100, name() + " " + synopsis(), null, table.options(), 2, 4, null, false);
        out.flush();
    }
}
