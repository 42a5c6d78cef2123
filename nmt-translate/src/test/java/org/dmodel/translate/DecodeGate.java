package org.dmodel.translate;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmodel.io.TestHooks;

/**
 * Holds the first decode of a {@link BatchingTranslator} at its {@code translate.batch} point until {@link #open()}:
 * while it waits, the queue behind it fills deterministically. Installs a process-wide {@link TestHooks} listener, so
 * tests using it must not run in parallel. Close it in a finally block.
 */
public final class DecodeGate implements AutoCloseable {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);

    public DecodeGate() {
        TestHooks.listen((point, path) -> {
            if (point.equals("translate.batch") && first.getAndSet(false)) {
                entered.countDown();
                try {
                    released.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    /** Waits until a dispatcher holds its first batch at the gate. */
    public void awaitHeld() throws InterruptedException {
        if (!entered.await(2, TimeUnit.MINUTES)) {
            throw new AssertionError("no decode reached the gate within 2 minutes");
        }
    }

    /** Lets the held decode (and all later ones) go on. */
    public void open() {
        released.countDown();
    }

    @Override
    public void close() {
        open();
        TestHooks.listen(null);
    }
}
