package org.dmodel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import org.junit.jupiter.api.Test;

/**
 * Once the engine has started, a 40 MiB tensor (above the 32 MiB where glibc maps a block on its own whatever its
 * settings, below the 64 MiB of a thread's heap) comes from glibc's heap, not from an {@code mmap} that would be
 * unmapped when it is freed (glibc's {@code mallinfo2}: bytes in mmapped blocks); and a bad
 * {@value NativeMemory#PROPERTY} value is refused with the accepted ones. Linux with glibc 2.33 or newer only.
 */
class NativeMemoryTest {
    /** glibc's {@code struct mallinfo2}. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd; // bytes in mmapped blocks
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }

    /** The part of the C library the test reads. */
    public interface CLibrary extends Library {
        MallInfo2 mallinfo2();
    }

    @Test
    void largeTensorsComeFromTheHeapOnceTheEngineRuns() {
        assumeTrue(Platform.isLinux(), "glibc only");
        CLibrary c;
        try {
            c = Native.load(Platform.C_LIBRARY_NAME, CLibrary.class);
            c.mallinfo2();
        } catch (UnsatisfiedLinkError e) {
            assumeTrue(false, "no mallinfo2 in this C library (glibc before 2.33, or not glibc)");
            return;
        }
        Engines.pytorch();
        long before = c.mallinfo2().hblkhd;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray big = m.zeros(new Shape(10L << 20)); // 40 MiB of float32
            assertTrue(big.sum().getFloat() == 0f);
            assertEquals(before, c.mallinfo2().hblkhd, "bytes in mmapped blocks while a 40 MiB tensor lives");
        }
    }

    @Test
    void aBadSettingIsRefusedWithTheAcceptedValues() {
        String old = System.getProperty(NativeMemory.PROPERTY);
        System.setProperty(NativeMemory.PROPERTY, "off");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, NativeMemory::retainFreedBlocks);
            assertTrue(e.getMessage().contains("retain or system"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(NativeMemory.PROPERTY);
            } else {
                System.setProperty(NativeMemory.PROPERTY, old);
            }
        }
    }
}
