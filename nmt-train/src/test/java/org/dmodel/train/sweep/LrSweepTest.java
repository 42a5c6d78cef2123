package org.dmodel.train.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep analysis on synthetic loss curves with known optima. */
class LrSweepTest {
    private static final double[] GRID = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2};

    /** Loss = 2 + (log10 lr − log10 optimum)², a parabola in log-LR, so the fit must find the optimum exactly. */
    private static List<LrSweep.Run> curve(String param, int d, int layers, double optimum) {
        List<LrSweep.Run> runs = new ArrayList<>();
        for (double lr : GRID) {
            double x = Math.log10(lr) - Math.log10(optimum);
            runs.add(new LrSweep.Run(param, d, layers, lr, 2 + x * x));
        }
        return runs;
    }

    @Test
    void parabolaFitRecoversTheOptimumBetweenGridPoints() {
        LrSweep sweep = new LrSweep(curve("nugpt", 128, 2, 2e-3), "d128×L2");
        LrSweep.Curve c = sweep.curves().get(0);
        assertEquals(3e-3, c.best().lr());
        assertEquals(2e-3, c.optimum(), 1e-9);
        assertEquals(1.0, sweep.shift(c), 1e-12);
    }

    @Test
    void shiftAndVerdictCompareEachShapeWithTheBaseShape() {
        List<LrSweep.Run> runs = new ArrayList<>(curve("standard", 128, 2, 1e-3));
        runs.addAll(curve("standard", 512, 2, 2.5e-4));
        runs.addAll(curve("nugpt", 128, 2, 2e-3));
        runs.addAll(curve("nugpt", 512, 2, 2e-3));
        LrSweep sweep = new LrSweep(runs, "d128×L2");
        LrSweep.Curve wide = sweep.curves().stream()
                .filter(c -> c.param().equals("standard") && c.shape().equals("d512×L2")).findFirst().orElseThrow();
        assertEquals(0.25, sweep.shift(wide), 1e-9);
        String verdict = sweep.verdict();
        assertTrue(verdict.contains("standard: the best grid learning rate moved (d512×L2 1e-3 → 3e-4)"), verdict);
        assertTrue(verdict.contains("nugpt: the best grid learning rate did not move"), verdict);
        assertTrue(verdict.contains("within a factor 4.00"), verdict);
        String table = sweep.markdown();
        assertTrue(table.contains("| nugpt | d512×L2 |"), table);
        assertTrue(table.contains("**2.000**"), "the best loss of the standard base curve is bold: " + table);
    }

    @Test
    void learningRatesPrintInShortScientificNotation() {
        assertEquals("1e-3", LrSweep.lr(1e-3));
        assertEquals("2.5e-4", LrSweep.lr(2.5e-4));
        assertEquals("7.9e-3", LrSweep.lr(7.9e-3));
    }

    @Test
    void divergedRunsAndGridEdgesAreReported() {
        List<LrSweep.Run> runs = new ArrayList<>(curve("ngpt", 128, 2, 1e-5)); // optimum below the grid
        runs.set(4, new LrSweep.Run("ngpt", 128, 2, 1e-2, Double.NaN));
        LrSweep sweep = new LrSweep(runs, "d128×L2");
        LrSweep.Curve c = sweep.curves().get(0);
        assertTrue(c.bestAtEdge());
        assertEquals(1e-4, c.optimum(), "at the edge the best grid point is the estimate");
        assertTrue(sweep.markdown().contains("diverged"));
        assertTrue(sweep.markdown().contains("(grid edge)"));
        LrSweep allDiverged = new LrSweep(List.of(new LrSweep.Run("ngpt", 64, 1, 1e-3, Double.NaN)), "d64×L1");
        assertNull(allDiverged.curves().get(0).best());
        assertTrue(Double.isNaN(allDiverged.curves().get(0).optimum()));
    }
}
