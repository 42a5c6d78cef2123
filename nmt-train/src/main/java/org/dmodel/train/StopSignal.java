package org.dmodel.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a polite request while the training loop runs: the loop finishes the
 * update (or validation) in progress, saves {@code checkpoint_last} and returns, and the command then exits with
 * {@code 128 + signal} (130 for SIGINT, 143 for SIGTERM). A second signal ends the process at once with that
 * status; checkpoint swaps are crash-safe, so that never leaves a broken checkpoint.
 *
 * <p>Why handlers and not a shutdown hook: a hook cannot tell SIGINT from SIGTERM, and it runs while the JVM is
 * already shutting down, when the exit status is the signal thread's or the main thread's depending on timing.
 * Outside the loop (reading, binarizing, loading) the JVM's own handlers stay: a signal ends the process at once,
 * with the same statuses. Thread-safe.
 */
final class StopSignal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final AtomicInteger signal = new AtomicInteger();
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    StopSignal() {
        for (String name : SIGNALS) {
            Signal s = new Signal(name);
            try {
                previous.add(Signal.handle(s, this::received));
                installed.add(s);
            } catch (IllegalArgumentException e) {
                // e.g. the JVM runs with -Xrs: the signal then ends the run without a final save
                LOG.warn("cannot handle SIG{} ({}): it will stop training without saving checkpoint_last",
                        name, e.getMessage());
            }
        }
    }

    private void received(Signal s) {
        int status = 128 + s.getNumber();
        if (!signal.compareAndSet(0, s.getNumber())) {
            System.err.println("nmt-train: SIG" + s.getName() + " again: exiting now with status " + status);
            Runtime.getRuntime().halt(status);
            return;
        }
        System.err.println("nmt-train: SIG" + s.getName() + " received: finishing the update or validation in"
                + " progress, saving checkpoint_last, then exiting with status " + status + " (send it again to exit"
                + " at once)");
    }

    /** True once a signal asked the run to stop. */
    boolean requested() {
        return signal.get() != 0;
    }

    /** The exit status for the signal received ({@code 128 + number}), or 0 when none was. */
    int exitStatus() {
        int s = signal.get();
        return s == 0 ? 0 : 128 + s;
    }

    /** Gives the signals back to the handlers that were there before. */
    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
