package org.dmodel.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Starts DJL's PyTorch engine offline and turns device and thread options into DJL objects.
 *
 * <p>dmodel never downloads native code: libtorch must come from the {@code pytorch-native-*} jar on the
 * classpath, so offline mode is always on. A missing native library becomes an {@link EngineUnavailableException}
 * whose message names the Maven profile that brings it. Starting the engine also sets how the C allocator reuses
 * freed tensor memory ({@link NativeMemory}). Thread-safe (the engine is a process-wide singleton).
 */
public final class Engines {
    /** The DJL engine name of PyTorch. */
    public static final String PYTORCH = "PyTorch";
    /** The libtorch version this build is pinned to. */
    public static final String PYTORCH_VERSION = "2.5.1";

    private Engines() {}

    /**
     * Returns the PyTorch engine, starting it offline on first use.
     *
     * @throws EngineUnavailableException when libtorch is not on the classpath or cannot be loaded
     * @throws IllegalArgumentException when {@value NativeMemory#PROPERTY} has a value other than retain or system
     */
    public static Engine pytorch() {
        System.setProperty("ai.djl.offline", "true");
        Engine engine;
        try {
            engine = Engine.getEngine(PYTORCH);
        } catch (EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
            throw new EngineUnavailableException(
                    "The PyTorch engine could not start: " + e.getMessage() + "\n"
                            + "dmodel loads libtorch " + PYTORCH_VERSION + " from the native jar on the classpath and never"
                            + " downloads it. Build with the Maven profile for your platform: `mvn -B package -DskipTests`"
                            + " picks the CPU jar for linux-x86_64, osx-aarch64 or win-x86_64 automatically;"
                            + " add `-Pcuda` for the CUDA 12.4 jar (linux-x86_64).",
                    e);
        }
        NativeMemory.configureOnce();
        return engine;
    }

    /**
     * Parses a device option: {@code cpu}, {@code gpu} (GPU 0) or {@code gpu:N}.
     *
     * @throws IllegalArgumentException for malformed text, or a GPU that this machine does not have
     */
    public static Device device(String spec) {
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        int index;
        if (s.equals("gpu")) {
            index = 0;
        } else if (s.matches("gpu:\\d+")) {
            index = Integer.parseInt(s.substring(4));
        } else {
            throw new IllegalArgumentException("--device " + spec + ": expected cpu, gpu or gpu:N");
        }
        int gpus = pytorch().getGpuCount();
        if (index >= gpus) {
            throw new IllegalArgumentException("--device " + spec + ": this machine has " + gpus + " usable GPU(s)"
                    + (gpus == 0 ? " (no CUDA driver, or the build has the CPU libtorch: rebuild with -Pcuda)" : "")
                    + ". Use --device cpu" + (gpus > 0 ? " or gpu:0..gpu:" + (gpus - 1) : "") + ".");
        }
        return Device.gpu(index);
    }

    /**
     * Switches autograd off in the calling thread until the returned scope is closed, which restores the previous
     * mode. libtorch's grad mode is per thread and on by default in every thread except the one that started the
     * engine (djl-notes.md pitfall 5): a forward pass in any other thread over parameters that require gradients
     * records a graph that lives as long as its outputs. Every decode, validation and probe runs inside one.
     * <pre>{@code
     * try (Engines.GradientsOff off = Engines.gradientsOff()) {
     *     ... forward passes only ...
     * }
     * }</pre>
     */
    public static GradientsOff gradientsOff() {
        pytorch();
        boolean wasOn = JniUtils.isGradMode();
        if (wasOn) {
            JniUtils.setGradMode(false);
        }
        return new GradientsOff(wasOn);
    }

    /** A scope with autograd off in the thread that opened it; close it in that thread. */
    public static final class GradientsOff implements AutoCloseable {
        private final boolean restore;

        private GradientsOff(boolean restore) {
            this.restore = restore;
        }

        @Override
        public void close() {
            if (restore) {
                JniUtils.setGradMode(true);
            }
        }
    }

    /** True when autograd records operations in the calling thread. */
    public static boolean gradientsOn() {
        pytorch();
        return JniUtils.isGradMode();
    }

    /** Sets libtorch's intra-op thread count (inter-op stays as started, normally 1). */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        pytorch();
        JniUtils.setNumThreads(threads);
    }
}
