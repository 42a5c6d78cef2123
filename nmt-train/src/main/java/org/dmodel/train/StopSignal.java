package org.dmodel.train;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns SIGINT/SIGTERM into a polite request: the training loop finishes its update, saves a checkpoint and
 * returns, while the JVM's shutdown hook waits for it (at most {@code graceSeconds}). Thread-safe.
 */
final class StopSignal implements AutoCloseable {
    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    StopSignal(long graceSeconds) {
        hook = new Thread(() -> {
            requested.set(true);
            try {
                finished.await(graceSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dmodel-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once a signal asked the run to stop. */
    boolean requested() {
        return requested.get();
    }

    /** Called by the loop when it has saved and is about to return. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns as soon as it sees the latch
        }
    }
}
