package org.dmodel.train.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child-JVM side of {@link GarbageCollectionIndependenceTest}: trains one short run per configuration, one after
 * the other in this JVM, with {@code nmt-train}'s own code. With {@code --collect-every-ms N > 0} a daemon thread also
 * forces a full collection every N ms, so that collections fall between forward and backward passes.
 *
 * <pre>TrainUnderGarbageCollection COLLECT_EVERY_MS SAVE_ROOT TRAIN_PREFIX SPM UPDATES ARCH,ATTENTION,PARAM…</pre>
 * Exits with the first non-zero status of a run; each run's metrics are in SAVE_ROOT/ARCH-ATTENTION-PARAM.
 */
public final class TrainUnderGarbageCollection {
    private TrainUnderGarbageCollection() {}

    public static void main(String[] args) {
        long collectEveryMs = Long.parseLong(args[0]);
        Path root = Path.of(args[1]);
        if (collectEveryMs > 0) {
            Thread collector = new Thread(() -> {
                while (true) {
                    System.gc();
                    try {
                        Thread.sleep(collectEveryMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "forced-collections");
            collector.setDaemon(true);
            collector.start();
        }
        for (int i = 5; i < args.length; i++) {
            String[] run = args[i].split(",");
            int status = new TrainCommand().execute(options(root.resolve(dirName(args[i])), args[2], args[3], args[4],
                    run[0], run[1], run[2]));
            if (status != 0) {
                System.exit(status);
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.out.println("heap used at the end: " + (rt.totalMemory() - rt.freeMemory()) / 1048576 + " MiB");
        System.exit(0);
    }

    /** The save directory name of one configuration. */
    static String dirName(String config) {
        return config.replace(',', '-').replace(':', '_').replace('/', '_');
    }

    private static String[] options(Path saveDir, String train, String spm, String updates, String arch,
                                    String attention, String param) {
        List<String> a = new ArrayList<>(List.of("--train", train, "--src-lang", "en", "--tgt-lang", "de", "--spm", spm,
                "--save-dir", saveDir.toString(), "--preset", "tiny", "--arch", arch, "--attention", attention,
                "--param", param, "--max-tokens", "400", "--warmup-steps", "5", "--log-every", "1", "--seed", "7",
                "--max-steps", updates, "--threads", "1", "--lr", param.equals("standard") ? "3e-3" : "2e-2"));
        return a.toArray(String[]::new);
    }
}
