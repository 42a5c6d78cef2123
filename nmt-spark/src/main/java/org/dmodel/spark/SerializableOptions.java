package org.dmodel.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import org.apache.spark.SparkFiles;
import org.dmodel.cli.OptionTable;
import org.dmodel.translate.TranslatorOptions;
import org.dmodel.translate.cli.TranslatorOptionTable;

/**
 * {@link TranslatorOptions} as they travel to executors: the translate flags as given on the command line, parsed
 * again by the same table there, plus the executor's share of workers and threads.
 *
 * @param args the translate flags and their values (those {@link TranslatorOptionTable} declares)
 * @param workers partitions one executor decodes at the same time (its task slots)
 * @param threads intra-op threads of the executor's engine
 * @param shippedShortlist whether the {@code --shortlist} file travels with the job ({@code SparkContext.addFile}), to be
 *     read from the executor's copy
 */
record SerializableOptions(List<String> args, int workers, int threads, boolean shippedShortlist) implements Serializable {
    SerializableOptions {
        args = List.copyOf(args);
    }

    /** The options; the flags were checked on the driver, so parsing them again cannot fail. */
    TranslatorOptions get() {
        OptionTable t = table();
        try {
            CommandLine cmd = DefaultParser.builder().get().parse(t.options(), args.toArray(String[]::new));
            TranslatorOptions options = TranslatorOptionTable.resolve(cmd, t);
            TranslatorOptions.ShortlistFile list = options.shortlist();
            if (shippedShortlist && list != null) {
                Path copy = Path.of(SparkFiles.get(list.lexicon().getFileName().toString()));
                options = options.toBuilder().shortlist(new TranslatorOptions.ShortlistFile(copy, list.first(),
                        list.best())).build();
            }
            return options.toBuilder().workers(workers).threads(threads).build();
        } catch (ParseException e) {
            throw new IllegalStateException("translate flags " + args + " no longer parse", e);
        }
    }

    /** The translate flags alone. */
    static OptionTable table() {
        OptionTable t = new OptionTable();
        TranslatorOptionTable.declare(t);
        return t;
    }
}
