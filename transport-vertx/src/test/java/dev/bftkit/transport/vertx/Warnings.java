package dev.bftkit.transport.vertx;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects the messages the module logs at {@code WARNING} or above (through {@code java.util.logging}, where its
 * {@link System.Logger}s go by default) between {@link #start()} and {@link #stop()}.
 */
final class Warnings extends Handler {
    /** Held, so that the logger (and this handler on it) is not collected. */
    private final Logger logger = Logger.getLogger("dev.bftkit.transport.vertx");
    private final List<String> messages = new CopyOnWriteArrayList<>();

    void start() {
        logger.addHandler(this);
    }

    void stop() {
        logger.removeHandler(this);
    }

    /** @return the messages so far, oldest first */
    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getMessage() != null) {
            messages.add(r.getMessage());
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
