package dev.bftkit.cli;

import dev.bftkit.api.FatalConsensusException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How a {@code consensus node} run ends, in either mode (one decision, or a replicated log): the run is done, it
 * failed, or Ctrl-C (SIGTERM) stopped it through a shutdown hook. Whichever comes first stops it, once: what was
 * opened or started is closed, and a started run reports how it stopped.
 */
final class Lifecycle {
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile String failure;
    private AutoCloseable parts;
    private Consumer<String> report;
    private boolean stopped;

    /**
     * Runs {@code body} (which opens and starts the node), then waits until the run is done or failed; stops it on
     * the way out, or from a shutdown hook on Ctrl-C.
     *
     * @param body opens and starts the node
     * @throws InterruptedException if interrupted while waiting
     */
    void until(Runnable body) throws InterruptedException {
        Thread hook = new Thread(() -> stop("interrupted"), "consensus-node-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            body.run();
            done.await();
        } finally {
            stop(null);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run: it stopped the node
            }
        }
    }

    /** Holds parts opened for a node that has not started: a stop before the start closes them. */
    synchronized void hold(AutoCloseable opened) {
        if (stopped) {
            close(opened);
            return;
        }
        parts = opened;
    }

    /**
     * Starts the node, unless the run was stopped meanwhile; what it starts is closed on the stop, and then
     * {@code stoppedAs} is told why ({@code done}, {@code interrupted} or {@code failed}).
     *
     * @param starter starts the node; it owns what {@link #hold} was given
     * @param stoppedAs reports the stop
     * @param <T> what it starts
     * @return what it started, or null if the run was stopped first
     */
    synchronized <T extends AutoCloseable> T start(Supplier<T> starter, Consumer<String> stoppedAs) {
        if (stopped) {
            return null;
        }
        T started = starter.get();
        parts = started;
        report = stoppedAs;
        return started;
    }

    /** The run reached its end. */
    void done() {
        done.countDown();
    }

    /**
     * The run failed; it stops, and the command exits with code 1 and this line.
     *
     * @param why one line
     */
    void fail(String why) {
        failure = why;
        done.countDown();
    }

    /**
     * Fails the run if {@code error} proves the fault assumption broken (more faulty weight than tolerated).
     *
     * @param error how a node's decisions ended, or null
     * @return whether it did
     */
    boolean failIfFatal(Throwable error) {
        Throwable fatal = error instanceof FatalConsensusException ? error
                : error != null && error.getCause() instanceof FatalConsensusException ? error.getCause() : null;
        if (fatal != null) {
            fail("the fault assumption is broken: " + fatal.getMessage());
        }
        return fatal != null;
    }

    /** {@return why the run failed, or null} */
    String failure() {
        return failure;
    }

    /**
     * Stops the run once, from the main thread or the shutdown hook: closes what was started (or opened), then
     * reports the stop.
     *
     * @param reason why, or null: {@code failed} after a failure, else {@code done}
     */
    synchronized void stop(String reason) {
        if (stopped) {
            return;
        }
        stopped = true;
        if (parts != null) {
            close(parts);
        }
        if (report != null) {
            report.accept(reason != null ? reason : failure != null ? "failed" : "done");
        }
        done.countDown();
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
