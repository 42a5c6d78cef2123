package org.dmodel.engine;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Int8 products {@code x Wᵀ (+ b)} for decoding on the CPU, through libtorch's quantized kernels (fbgemm on x86,
 * QNNPACK on ARM). A weight is quantized once, symmetric per output row, and packed ({@link #pack}); each call
 * quantizes the input per row (its row scaled to [−1, 1], 7-bit codes as libtorch recommends for CPUs without
 * VNNI), so a row's result never depends on the other rows of its batch: a sentence translates the same alone and
 * beside others. Results are float32, within the rounding of both quantizations ({@code Int8LinearTest} states
 * the bound).
 *
 * <p>DJL 0.33 has no quantized operators, so the kernels run in a TorchScript module ({@code int8-linear.pt}, made
 * by {@code nmt-core/src/main/torchscript/int8-linear.py}), loaded once per process. Thread-safe.
 */
public final class Int8Linear {
    private static final String MODULE = "int8-linear.pt";
    /** libtorch's profiling executor re-profiles the module for each new batch shape (5x slower calls here); off. */
    private static final ThreadLocal<Boolean> SIMPLE_EXECUTOR = ThreadLocal.withInitial(() -> {
        JniUtils.setGraphExecutorOptimize(false);
        return true;
    });

    private Int8Linear() {}

    /** A weight (out, in) quantized and packed for the kernels; holds native memory until closed. Thread-safe. */
    public static final class PackedWeight implements AutoCloseable {
        private final IValue packed;

        private PackedWeight(IValue packed) {
            this.packed = packed;
        }

        @Override
        public void close() {
            packed.close();
        }
    }

    /**
     * Quantizes and packs a float32 CPU weight (out, in); the weight itself is not changed.
     *
     * @throws IllegalStateException when this CPU has no quantized kernels (fbgemm needs AVX2 on x86)
     */
    public static PackedWeight pack(NDArray weight) {
        try (IValue w = IValue.from(cpuArray(weight, "weight"))) {
            return new PackedWeight(run("pack", w));
        } catch (EngineException e) {
            throw new IllegalStateException("int8 decoding needs libtorch's quantized kernels (fbgemm: x86 with AVX2;"
                    + " QNNPACK: ARM), which refused here: " + e.getMessage() + ". Use --precision float32.", e);
        }
    }

    /**
     * {@code x Wᵀ}, plus {@code bias} when not null.
     *
     * @param x float32 (…, in) on the CPU
     * @param bias float32 (out), or null
     * @return float32 (…, out), in x's manager
     */
    public static NDArray apply(NDArray x, PackedWeight weight, NDArray bias) {
        PtNDArray input = cpuArray(x, "input");
        try (IValue in = IValue.from(input);
             IValue b = bias == null ? null : IValue.from(cpuArray(bias, "bias"));
             IValue y = b == null ? run("forward", in, weight.packed) : run("affine", in, weight.packed, b)) {
            return y.toTensor(input.getManager());
        }
    }

    private static IValue run(String method, IValue... inputs) {
        SIMPLE_EXECUTOR.get();
        return IValueUtils.runMethod(Module.INSTANCE, method, inputs);
    }

    private static PtNDArray cpuArray(NDArray a, String what) {
        if (!Device.Type.CPU.equals(a.getDevice().getDeviceType())) {
            throw new IllegalArgumentException("int8 products run on the CPU; the " + what + " is on " + a.getDevice()
                    + ". Decode in float32 on a GPU.");
        }
        return (PtNDArray) a;
    }

    /** The TorchScript module, loaded on first use into a manager that lives as long as the process. */
    private static final class Module {
        static final PtSymbolBlock INSTANCE = load();

        private static PtSymbolBlock load() {
            Engines.pytorch();
            try (InputStream in = Int8Linear.class.getResourceAsStream(MODULE)) {
                if (in == null) {
                    throw new IllegalStateException(MODULE + " is missing from the nmt-core jar; rebuild it");
                }
                return JniUtils.loadModule((PtNDManager) NDManager.newBaseManager(), in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + MODULE + " from the nmt-core jar", e);
            }
        }
    }
}
