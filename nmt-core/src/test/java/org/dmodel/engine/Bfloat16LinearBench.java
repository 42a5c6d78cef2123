package org.dmodel.engine;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.InputStream;

/**
 * Feasibility measurement for a bfloat16 decoding mode (not a test): DJL 0.33 cannot make bfloat16 tensors
 * ({@code toType(BFLOAT16)} ends the JVM, BENCHMARKS.md "Problems"), but a TorchScript module that casts
 * ({@code to-bfloat16.pt}, made by {@code to-bfloat16.py} beside it) can, and libtorch then runs {@code linear}
 * on them. Prints float32 against bfloat16 {@code linear} time for the decoder's shapes and the bfloat16 result's
 * largest error relative to the largest float32 output.
 *
 * <pre>
 * java -XX:+UseSerialGC -Xmn16m -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \
 *     -Dai.djl.pytorch.num_interop_threads=1 -cp TEST_CLASSPATH org.dmodel.engine.Bfloat16LinearBench
 * </pre>
 */
public final class Bfloat16LinearBench {
    private Bfloat16LinearBench() {}

    /** (rows, in, out) of the decoder's projections at batch 1, beam 5, batch 32 and 64 × beam 5. */
    private static final int[][] SHAPES = {
        {1, 256, 1024}, {5, 256, 1024}, {32, 256, 1024}, {320, 256, 1024}, {320, 1024, 256}, {320, 256, 768},
        {1, 256, 8000}, {32, 256, 8000}};

    public static void main(String[] args) throws Exception {
        Engines.pytorch();
        try (PtNDManager m = (PtNDManager) NDManager.newBaseManager(); AutoCloseable off = Engines.gradientsOff();
             InputStream module = Bfloat16LinearBench.class.getResourceAsStream("to-bfloat16.pt")) {
            PtSymbolBlock toBfloat16 = JniUtils.loadModule(m, module, false, false);
            for (int[] s : SHAPES) {
                PtNDArray x = (PtNDArray) m.randomNormal(new Shape(s[0], s[1]));
                PtNDArray w = (PtNDArray) m.randomNormal(new Shape(s[2], s[1]));
                PtNDArray b = (PtNDArray) m.randomNormal(new Shape(s[2]));
                PtNDArray xh = cast(toBfloat16, m, x);
                PtNDArray wh = cast(toBfloat16, m, w);
                PtNDArray bh = cast(toBfloat16, m, b);
                int n = Math.max(20, Math.min(3000, (int) (3e8 / (2.0 * s[0] * s[1] * s[2]))));
                double full = 0;
                double half = 0;
                for (int round = 0; round < 3; round++) { // the last round counts; the first two warm up
                    full = microsPerCall(x, w, b, n);
                    half = microsPerCall(xh, wh, bh, n);
                }
                PtNDArray exact = JniUtils.linear(x, w, b);
                PtNDArray approx = JniUtils.to(JniUtils.linear(xh, wh, bh), DataType.FLOAT32, m.getDevice());
                double error = exact.sub(approx).abs().max().getFloat() / exact.abs().max().getFloat();
                System.out.printf("rows %4d, %4d -> %4d: float32 %8.1f us, bfloat16 %8.1f us (%.2fx), error %.2g%n",
                        s[0], s[1], s[2], full, half, full / half, error);
            }
        }
    }

    private static PtNDArray cast(PtSymbolBlock toBfloat16, NDManager m, PtNDArray x) {
        return (PtNDArray) toBfloat16.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
    }

    private static double microsPerCall(PtNDArray x, PtNDArray w, PtNDArray b, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            JniUtils.linear(x, w, b).close();
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }
}
