package org.dmodel.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's peak resident set size (native memory included), for progress lines and benchmarks. */
public final class PeakMemory {
    private PeakMemory() {}

    /** VmHWM from /proc/self/status on Linux; elsewhere the JVM heap in use (a lower bound). */
    public static long peakRssBytes() {
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // fall through to the heap figure
            }
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
