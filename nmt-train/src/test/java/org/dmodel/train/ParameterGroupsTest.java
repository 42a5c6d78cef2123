package org.dmodel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import ai.djl.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dmodel.config.ModelConfig;
import org.dmodel.config.ModelConfig.Architecture;
import org.dmodel.config.ModelConfig.Parameterization;
import org.dmodel.model.ParameterGroup;
import org.dmodel.model.Models;
import org.dmodel.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** νGPT's per-group learning rates (papers.md §3.2) and their checkpoint file. */
class ParameterGroupsTest {
    @TempDir
    Path dir;

    private static TrainConfig train(long maxSteps, long baseSteps, double outputLrMult) {
        return new TrainConfig(Path.of("x"), 100, 1, maxSteps, 0,
                new LrSchedule(LrSchedule.Kind.FIXED, 1e-3, 0, maxSteps), 0.9, 0.95, 1e-8, 0, 1, 0, 1, 0, 0, 0, 0, 0,
                10, 1, 0, baseSteps, outputLrMult);
    }

    @Test
    void doublingTheWidthScalesEachGroupByItsExponent() {
        ModelConfig base = TestModels.config(Architecture.LWC, "mha", Parameterization.NUGPT);
        ModelConfig wide = base.toBuilder().baseWidth(base.dModel() / 2).build(); // m_width = 2
        TrainConfig t = train(1000, 0, 1);
        ParameterGroups b = ParameterGroups.of(base, t);
        ParameterGroups w = ParameterGroups.of(wide, t);
        for (ParameterGroup g : ParameterGroup.values()) {
            assertEquals(1.0, b.multiplier(g), 0, "m = 1: the base learning rate");
        }
        assertEquals(Math.pow(2, -0.75), w.multiplier(ParameterGroup.HIDDEN_MATRICES), 1e-12);
        assertEquals(Math.pow(2, -0.75), w.multiplier(ParameterGroup.OUTPUT_EMBEDDINGS), 1e-12);
        assertEquals(Math.pow(2, -0.5), w.multiplier(ParameterGroup.INPUT_EMBEDDINGS), 1e-12);
        assertEquals(1.0, w.multiplier(ParameterGroup.SCALING_VECTORS), 0);
        // the output constant multiplies the output group only
        ParameterGroups tuned = ParameterGroups.of(wide, train(1000, 0, 3));
        assertEquals(3 * Math.pow(2, -0.75), tuned.multiplier(ParameterGroup.OUTPUT_EMBEDDINGS), 1e-12);
        assertEquals(Math.pow(2, -0.75), tuned.multiplier(ParameterGroup.HIDDEN_MATRICES), 1e-12);
        // depth does not enter the learning rates
        assertEquals(b, ParameterGroups.of(base.toBuilder().layers(8).baseDepth(2).build(), t));
    }

    @Test
    void eightTimesTheStepsHalvesEveryLearningRate() {
        ModelConfig wide = TestModels.config(Architecture.ENCDEC, "tpa:2/1/1", Parameterization.NUGPT).toBuilder()
                .baseWidth(16).build();
        ParameterGroups same = ParameterGroups.of(wide, train(800, 800, 1));
        ParameterGroups longer = ParameterGroups.of(wide, train(800, 100, 1)); // m_data = 8, 8^(-1/3) = 1/2
        for (ParameterGroup g : ParameterGroup.values()) {
            assertEquals(same.multiplier(g) / 2, longer.multiplier(g), 1e-12, g.toString());
        }
        assertEquals(same, ParameterGroups.of(wide, train(800, 0, 1)), "base-steps 0: m_data = 1");
    }

    @Test
    void ngptAndStandardModelsTrainEveryGroupAtTheSameRate() {
        for (Parameterization p : new Parameterization[] {Parameterization.STANDARD, Parameterization.NGPT}) {
            ParameterGroups g = ParameterGroups.of(TestModels.config(Architecture.LWC, "mha", p), train(800, 0, 1));
            for (ParameterGroup group : ParameterGroup.values()) {
                assertEquals(1.0, g.multiplier(group), 0, p + " " + group);
            }
        }
    }

    @Test
    void everyParameterGetsItsGroupsScaleAndTheFileRoundTrips() throws IOException {
        ModelConfig c = TestModels.config(Architecture.LWC, "tpa:2/1/2;mha", Parameterization.NUGPT).toBuilder()
                .baseWidth(8).build(); // m_width = 4
        ParameterGroups groups = ParameterGroups.of(c, train(100, 10, 2));
        try (Model model = Models.newModel(c, Device.cpu())) {
            Map<String, ParameterGroup> byName = Models.block(model).parameterGroups();
            Map<String, Double> scales = groups.lrScales(byName);
            assertEquals(model.getBlock().getParameters().keys(), new java.util.ArrayList<>(scales.keySet()));
            byName.forEach((name, g) -> assertEquals(groups.multiplier(g), scales.get(name), 0, name));
        }
        Path f = dir.resolve(ParameterGroups.FILE);
        groups.write(f);
        assertEquals(groups, ParameterGroups.read(f));
        Files.writeString(f, "{\"hidden_matrices\": 1}");
        IOException e = assertThrows(IOException.class, () -> ParameterGroups.read(f));
        assertEquals(true, e.getMessage().startsWith(f + ": "), e.getMessage());
    }
}
