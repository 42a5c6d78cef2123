package org.dmodel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesTest {
    @TempDir
    Path temp;

    /** Runs EngineInfo in a fresh JVM with the given classpath and a fresh, private DJL cache dir. */
    private Result runEngineInfo(String classpath, Path cache) throws IOException, InterruptedException {
        Path home = Files.createDirectories(temp.resolve("home"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.pytorch.num_threads=1", "-cp", classpath, EngineInfo.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("DJL_CACHE_DIR", cache.toString());
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("ENGINE_CACHE_DIR");
        pb.environment().remove("DJL_OFFLINE");
        Path out = temp.resolve("out.txt");
        Path err = temp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "EngineInfo did not finish");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(int status, String out, String err) {}

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void engineStartsOfflineInFreshCacheDirAndReportsPinnedVersion() throws Exception {
        Path cache = temp.resolve("djl-cache");
        try {
            Result r = runEngineInfo(System.getProperty("java.class.path"), cache);
            assertEquals(0, r.status(), "stderr: " + r.err());
            assertTrue(r.out().contains("engine=PyTorch"), r.out());
            assertTrue(r.out().contains("version=" + Engines.PYTORCH_VERSION), r.out());
            assertTrue(r.out().contains("cache=" + cache), "natives must be extracted under DJL_CACHE_DIR: " + r.out());
            try (Stream<Path> s = Files.list(cache.resolve("pytorch"))) {
                assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith(Engines.PYTORCH_VERSION)),
                        "libtorch extracted from the classpath jar into the fresh cache");
            }
        } finally {
            deleteTree(cache);
        }
    }

    @Test
    void missingNativeJarNamesTheMavenProfile() throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("pytorch-native-"))
                .collect(Collectors.joining(File.pathSeparator));
        Path cache = temp.resolve("empty-cache");
        try {
            Result r = runEngineInfo(classpath, cache);
            assertEquals(2, r.status(), r.out() + r.err());
            assertTrue(r.err().contains("-Pcuda") && r.err().contains("mvn -B package"), r.err());
        } finally {
            deleteTree(cache);
        }
    }

    @Test
    void deviceParsing() {
        assertEquals(Device.cpu(), Engines.device("cpu"));
        assertEquals(Device.cpu(), Engines.device(" CPU "));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Engines.device("tpu"));
        assertTrue(bad.getMessage().contains("cpu, gpu or gpu:N"), bad.getMessage());
        if (Engines.pytorch().getGpuCount() == 0) {
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Engines.device("gpu"));
            assertTrue(none.getMessage().contains("Use --device cpu"), none.getMessage());
        }
    }

    @Test
    void threadCountMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Engines.setThreads(0));
    }
}
