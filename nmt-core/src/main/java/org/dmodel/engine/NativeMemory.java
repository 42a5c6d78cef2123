package org.dmodel.engine;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the process's C allocator treats libtorch's tensor memory. glibc serves every block above 32 MiB with its own
 * {@code mmap} and returns it with {@code munmap} when freed, so a tensor of that size made again at the next step
 * (a decoding cache of 320 beam rows × 150 positions) costs fresh pages, each zeroed by the kernel on first
 * touch. Measured here: beam 5 over 150-token outputs decoded 2–4× as fast once freed blocks were kept for reuse
 * (BENCHMARKS.md "Native memory").
 *
 * <p>{@link #retainFreedBlocks} tells glibc ({@code mallopt}) to serve large blocks from its heaps instead of
 * {@code mmap} and to give freed memory back to the system only when more than {@link #TRIM_THRESHOLD} is free at
 * a heap's top: the resident size then stays near the run's peak instead of following each step. A block larger
 * than a thread's heap (64 MiB; every Java thread allocates from such a heap) is still mapped on its own: glibc
 * falls back to {@code mmap} there whatever the settings. {@link Engines#pytorch} runs it once per process
 * ({@link #configureOnce}) unless the system property {@value #PROPERTY} is {@code system}. Elsewhere than Linux
 * with glibc it does nothing. Thread-safe.
 */
public final class NativeMemory {
    /** System property: {@code retain} (the default) or {@code system} (leave the allocator as the process has it). */
    public static final String PROPERTY = "dmodel.nativeMemory";
    /** Free bytes at the heap's top beyond which glibc returns memory to the system. */
    public static final long TRIM_THRESHOLD = 256L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    private static final int M_TRIM_THRESHOLD = -1; // glibc's malloc.h
    private static final int M_MMAP_MAX = -4;

    private static volatile boolean configured;

    private NativeMemory() {}

    /** {@link #retainFreedBlocks} the first time it is called in this process (again if that call threw). */
    static void configureOnce() {
        if (!configured) {
            synchronized (NativeMemory.class) {
                if (!configured) {
                    retainFreedBlocks();
                    configured = true;
                }
            }
        }
    }

    /**
     * Configures glibc as the class comment says, unless {@value #PROPERTY} is {@code system}.
     *
     * @return true when glibc accepted the settings
     * @throws IllegalArgumentException when the property has another value
     */
    static boolean retainFreedBlocks() {
        String mode = System.getProperty(PROPERTY, "retain");
        if (mode.equals("system")) {
            return false;
        }
        if (!mode.equals("retain")) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + mode + ": expected retain or system");
        }
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            Function mallopt = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("mallopt");
            boolean ok = mallopt.invokeInt(new Object[] {M_MMAP_MAX, 0}) == 1
                    && mallopt.invokeInt(new Object[] {M_TRIM_THRESHOLD, (int) TRIM_THRESHOLD}) == 1;
            if (!ok) {
                LOG.debug("mallopt refused the settings; the allocator keeps its defaults");
            }
            return ok;
        } catch (UnsatisfiedLinkError e) {
            LOG.debug("no mallopt in this C library ({}); the allocator keeps its defaults", e.getMessage());
            return false;
        }
    }
}
