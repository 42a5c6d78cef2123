package org.dmodel.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * Declares each command-line option once: flag, argument name, default and help. The Commons CLI
 * {@link Options}, the {@code --help} text (which always shows the default) and typed look-ups all come
 * from this table.
 */
public final class OptionTable {
    private final Options options = new Options();
    private final Map<String, String> defaults = new LinkedHashMap<>();

    /** Declares an option that takes one value; {@code defaultValue} may be null (no default). */
    public OptionTable value(String longName, String shortName, String argName, String defaultValue, String help) {
        Option.Builder b = Option.builder(shortName).longOpt(longName).hasArg().argName(argName)
                .desc(help + (defaultValue == null ? "" : " (default: " + defaultValue + ")"));
        options.addOption(b.get());
        defaults.put(longName, defaultValue);
        return this;
    }

    /** Declares an option with one or more values (e.g. {@code -m bleu chrf}). */
    public OptionTable values(String longName, String shortName, String argName, String defaultValue, String help) {
        Option.Builder b = Option.builder(shortName).longOpt(longName).hasArgs().argName(argName)
                .desc(help + (defaultValue == null ? "" : " (default: " + defaultValue + ")"));
        options.addOption(b.get());
        defaults.put(longName, defaultValue);
        return this;
    }

    /** Declares an on/off flag (default off). */
    public OptionTable flag(String longName, String shortName, String help) {
        options.addOption(Option.builder(shortName).longOpt(longName).desc(help + " (default: off)").get());
        defaults.put(longName, null);
        return this;
    }

    /** The Commons CLI view of the table. */
    public Options options() {
        return options;
    }

    /**
     * The value given on the command line (the last one when the option is repeated, as argparse does),
     * else the declared default (possibly null).
     */
    public String get(CommandLine cmd, String longName) {
        checkDeclared(longName);
        if (!cmd.hasOption(longName)) {
            return defaults.get(longName);
        }
        String[] given = cmd.getOptionValues(longName);
        return given == null || given.length == 0 ? cmd.getOptionValue(longName) : given[given.length - 1];
    }

    /** Like {@link #get} but fails with a usage error when neither a value nor a default exists. */
    public String require(CommandLine cmd, String longName) {
        String v = get(cmd, longName);
        if (v == null) {
            throw new UsageException("missing required option --" + longName);
        }
        return v;
    }

    /** An integer option, checked against a lower bound. */
    public int getInt(CommandLine cmd, String longName, int min) {
        String v = require(cmd, longName);
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + longName + " " + v + ": expected a whole number");
        }
        if (n < min) {
            throw new UsageException("--" + longName + " " + v + ": must be at least " + min);
        }
        return n;
    }

    /** A floating-point option, checked against a closed range. */
    public double getDouble(CommandLine cmd, String longName, double min, double max) {
        String v = require(cmd, longName);
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + longName + " " + v + ": expected a number");
        }
        if (!(x >= min && x <= max)) {
            throw new UsageException("--" + longName + " " + v + ": must be between " + min + " and " + max);
        }
        return x;
    }

    /** True when the flag was given. */
    public boolean has(CommandLine cmd, String longName) {
        checkDeclared(longName);
        return cmd.hasOption(longName);
    }

    private void checkDeclared(String longName) {
        if (!defaults.containsKey(longName)) {
            throw new IllegalArgumentException("option --" + longName + " was never declared");
        }
    }
}
