package org.dmodel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.dmodel.cli.OptionTable;
import org.dmodel.cli.UsageException;
import org.dmodel.config.ModelConfig.Parameterization;
import org.junit.jupiter.api.Test;

/** Optimisation defaults per parameterization and the νGPT options' checks. */
class TrainOptionsTest {
    private static TrainConfig resolve(Parameterization p, String... args) throws Exception {
        OptionTable t = new OptionTable();
        TrainOptions.declare(t);
        CommandLine cmd = DefaultParser.builder().get().parse(t.options(), args);
        return TrainOptions.resolve(cmd, t, p);
    }

    @Test
    void normalizedModelsTakeNgptsOptimizerDefaultsUnlessFlagsAreGiven() throws Exception {
        TrainConfig standard = resolve(Parameterization.STANDARD, "--max-steps", "100");
        assertEquals(4000, standard.schedule().warmupSteps());
        assertEquals(0.98, standard.beta2());
        assertEquals(LrSchedule.Kind.INVERSE_SQRT, standard.schedule().kind());
        for (Parameterization p : new Parameterization[] {Parameterization.NGPT, Parameterization.NUGPT}) {
            TrainConfig c = resolve(p, "--max-steps", "100");
            assertEquals(0, c.schedule().warmupSteps(), p.toString());
            assertEquals(0.9, c.beta1());
            assertEquals(0.95, c.beta2());
            assertEquals(0.0, c.weightDecay());
            assertEquals(LrSchedule.Kind.COSINE, c.schedule().kind());
        }
        assertEquals(LrSchedule.Kind.FIXED, resolve(Parameterization.NGPT, "--max-epochs", "2").schedule().kind(),
                "no horizon for a cosine");
        TrainConfig explicit = resolve(Parameterization.NGPT, "--max-steps", "100", "--warmup-steps", "10",
                "--adam-betas", "0.8,0.99", "--weight-decay", "0.1", "--lr-scheduler", "inverse_sqrt");
        assertEquals(10, explicit.schedule().warmupSteps());
        assertEquals(0.8, explicit.beta1());
        assertEquals(0.99, explicit.beta2());
        assertEquals(0.1, explicit.weightDecay());
        assertEquals(LrSchedule.Kind.INVERSE_SQRT, explicit.schedule().kind());
        TrainConfig nu = resolve(Parameterization.NUGPT, "--max-steps", "800", "--base-steps", "100",
                "--output-lr-mult", "2");
        assertEquals(100, nu.baseSteps());
        assertEquals(2.0, nu.outputLrMult());
    }

    @Test
    void nuGptOptionsAreCheckedWithClearMessages() {
        UsageException e = assertThrows(UsageException.class,
                () -> resolve(Parameterization.NUGPT, "--base-steps", "100", "--max-epochs", "3"));
        assertTrue(e.getMessage().startsWith("--base-steps 100 needs --max-steps"), e.getMessage());
        e = assertThrows(UsageException.class,
                () -> resolve(Parameterization.NGPT, "--base-steps", "100", "--max-steps", "300"));
        assertTrue(e.getMessage().startsWith("--base-steps and --output-lr-mult apply only to --param nugpt"),
                e.getMessage());
        e = assertThrows(UsageException.class,
                () -> resolve(Parameterization.NUGPT, "--output-lr-mult", "0", "--max-steps", "300"));
        assertTrue(e.getMessage().startsWith("--output-lr-mult 0"), e.getMessage());
    }
}
