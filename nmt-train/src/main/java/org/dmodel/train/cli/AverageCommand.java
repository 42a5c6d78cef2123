package org.dmodel.train.cli;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.dmodel.cli.CommandLineTool;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.io.LoadedModel;
import org.dmodel.io.ModelDirectory;
import org.dmodel.train.Checkpoints;

/**
 * {@code bin/nmt-train average}: the element-wise mean of the parameters of several checkpoints of one model
 * (fairseq's {@code average_checkpoints.py}), written as a new model directory.
 */
public final class AverageCommand extends CommandLineTool {
    @Override
    protected String name() {
        return "nmt-train average";
    }

    @Override
    protected String synopsis() {
        return "(--inputs DIR [DIR ...] | --save-dir DIR --last N) --output DIR";
    }

    @Override
    protected void declare(OptionTable t) {
        t.values("inputs", null, "DIR", null, "model directories (checkpoints) to average");
        t.value("save-dir", null, "DIR", null, "with --last: take the newest numbered checkpoints of this directory");
        t.value("last", null, "N", null, "average the N newest checkpoint_<step> directories of --save-dir");
        t.value("output", null, "DIR", null, "where the averaged model directory is written (atomically)");
    }

    @Override
    protected int run(CommandLine cmd, OptionTable t) throws Exception {
        List<Path> inputs = new ArrayList<>();
        if (cmd.hasOption("inputs")) {
            for (String s : cmd.getOptionValues("inputs")) {
                inputs.add(Path.of(s));
            }
        } else if (t.get(cmd, "save-dir") != null && t.get(cmd, "last") != null) {
            List<Path> numbered = new Checkpoints(Path.of(t.get(cmd, "save-dir")), 0).numbered();
            int n = t.getInt(cmd, "last", 1);
            if (numbered.size() < n) {
                throw new UsageException(t.get(cmd, "save-dir") + " has " + numbered.size()
                        + " numbered checkpoints, fewer than --last " + n + ". Train with --save-every, or lower --last.");
            }
            inputs.addAll(numbered.subList(numbered.size() - n, numbered.size()));
        } else {
            throw new UsageException("give --inputs DIR..., or --save-dir DIR with --last N");
        }
        Path output = Path.of(t.require(cmd, "output"));
        average(inputs, output);
        System.err.println("averaged " + inputs.size() + " checkpoints into " + output);
        return 0;
    }

    /**
     * Averages {@code inputs} (same config) into a model directory at {@code output}; a normalized (ngpt/nugpt)
     * model's averaged weight vectors are put back on the unit sphere.
     */
    public static void average(List<Path> inputs, Path output) throws Exception {
        try (LoadedModel first = ModelDirectory.load(inputs.get(0), Device.cpu())) {
            List<Parameter> sum = first.block().getParameters().values();
            for (Path p : inputs.subList(1, inputs.size())) {
                try (LoadedModel other = ModelDirectory.load(p, Device.cpu())) {
                    if (!other.config().equals(first.config())) {
                        throw new UsageException(p + ": another model configuration than " + inputs.get(0)
                                + "; only checkpoints of one run can be averaged.");
                    }
                    List<Parameter> add = other.block().getParameters().values();
                    for (int i = 0; i < sum.size(); i++) {
                        sum.get(i).getArray().addi(add.get(i).getArray());
                    }
                }
            }
            for (Parameter p : sum) {
                p.getArray().divi(inputs.size());
            }
            first.block().renormalize();
            ModelDirectory.save(output, first.config(), first.model(), first.vocabularies());
        }
    }
}
