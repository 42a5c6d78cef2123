package org.dmodel.engine;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;

/**
 * Prints the engine's name, version, GPU count and native cache folder, one {@code key=value} per line.
 *
 * <p>Used by the offline-start test (in a fresh JVM) and handy to check an installation.
 */
public final class EngineInfo {
    private EngineInfo() {}

    /** Entry point; exits 2 with the build advice when the engine cannot start. */
    public static void main(String[] args) {
        try {
            Engine engine = Engines.pytorch();
            System.out.println("engine=" + engine.getEngineName());
            System.out.println("version=" + engine.getVersion());
            System.out.println("gpus=" + engine.getGpuCount());
            System.out.println("cache=" + Utils.getEngineCacheDir());
        } catch (EngineUnavailableException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }
}
