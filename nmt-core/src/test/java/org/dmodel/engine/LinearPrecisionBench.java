package org.dmodel.engine;

import ai.djl.ndarray.NDArray;
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
import java.util.function.Supplier;

/**
 * A decoder product {@code x Wᵀ + b} in three arithmetics (not a test): float32 ({@code JniUtils.linear}); bfloat16
 * with its operands cast beforehand (DJL 0.33 cannot make bfloat16 tensors, {@code toType(BFLOAT16)} ends the JVM,
 * BENCHMARKS.md "Problems"; a TorchScript cast module, {@code to-bfloat16.pt} made by {@code to-bfloat16.py} beside
 * it, can); and int8 as {@code nmt-translate --precision int8} runs it ({@link Int8Linear}: input quantized per row
 * inside the call). Prints µs per call for the decoder's shapes, the speed-ups over float32 and each result's
 * largest error relative to the largest float32 output.
 *
 * <pre>
 * java -XX:+UseSerialGC -Xmn16m -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \
 *     -Dai.djl.pytorch.num_interop_threads=1 -cp TEST_CLASSPATH org.dmodel.engine.LinearPrecisionBench
 * </pre>
 */
public final class LinearPrecisionBench {
    private LinearPrecisionBench() {}

    /** (rows, in, out) of the decoder's projections at batch 1, beam 5, batch 32 and 64 × beam 5. */
    private static final int[][] SHAPES = {
        {1, 256, 1024}, {5, 256, 1024}, {32, 256, 1024}, {320, 256, 1024}, {320, 1024, 256}, {320, 256, 768},
        {1, 256, 8000}, {32, 256, 8000}};

    public static void main(String[] args) throws Exception {
        Engines.pytorch();
        try (PtNDManager m = (PtNDManager) NDManager.newBaseManager(); AutoCloseable off = Engines.gradientsOff();
             InputStream module = LinearPrecisionBench.class.getResourceAsStream("to-bfloat16.pt")) {
            PtSymbolBlock toBfloat16 = JniUtils.loadModule(m, module, false, false);
            for (int[] s : SHAPES) {
                PtNDArray x = (PtNDArray) m.randomNormal(new Shape(s[0], s[1]));
                PtNDArray w = (PtNDArray) m.randomNormal(new Shape(s[2], s[1]));
                PtNDArray b = (PtNDArray) m.randomNormal(new Shape(s[2]));
                PtNDArray xh = cast(toBfloat16, m, x);
                PtNDArray wh = cast(toBfloat16, m, w);
                PtNDArray bh = cast(toBfloat16, m, b);
                try (Int8Linear.PackedWeight w8 = Int8Linear.pack(w)) {
                    int n = Math.max(20, Math.min(3000, (int) (3e8 / (2.0 * s[0] * s[1] * s[2]))));
                    double full = 0;
                    double half = 0;
                    double int8 = 0;
                    for (int round = 0; round < 3; round++) { // the last round counts; the first two warm up
                        full = microsPerCall(() -> JniUtils.linear(x, w, b), n);
                        half = microsPerCall(() -> JniUtils.linear(xh, wh, bh), n);
                        int8 = microsPerCall(() -> Int8Linear.apply(x, w8, b), n);
                    }
                    NDArray exact = JniUtils.linear(x, w, b);
                    NDArray approx = JniUtils.to(JniUtils.linear(xh, wh, bh), DataType.FLOAT32, m.getDevice());
                    System.out.printf("rows %4d, %4d -> %4d: float32 %8.1f us, bfloat16 %8.1f us (%.2fx, error %.2g),"
                                    + " int8 %8.1f us (%.2fx, error %.2g)%n", s[0], s[1], s[2], full, half, full / half,
                            error(exact, approx), int8, full / int8, error(exact, Int8Linear.apply(x, w8, b)));
                }
            }
        }
    }

    private static PtNDArray cast(PtSymbolBlock toBfloat16, NDManager m, PtNDArray x) {
        return (PtNDArray) toBfloat16.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
    }

    private static double error(NDArray exact, NDArray approx) {
        return exact.sub(approx).abs().max().getFloat() / exact.abs().max().getFloat();
    }

    private static double microsPerCall(Supplier<NDArray> product, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            product.get().close();
        }
        return (System.nanoTime() - start) / 1e3 / n;
    }
}
