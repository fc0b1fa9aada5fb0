package dev.bftkit.cli;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The command's logging: everything (our {@link System.Logger}s, Vert.x and Netty) goes to
 * {@code java.util.logging}, which this sets up as one line per record on standard error. Quiet by default
 * (warnings and errors, no stack traces); {@code --verbose} shows debug records and stack traces.
 */
final class Logging {
    private static final java.util.logging.Formatter FORMAT = new java.util.logging.SimpleFormatter();
    private static volatile boolean verbose;

    private Logging() {
    }

    /**
     * @param on true for debug records and stack traces
     * @param err where records go
     */
    static void configure(boolean on, PrintStream err) {
        verbose = on;
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Level level = on ? Level.FINE : Level.WARNING;
        root.setLevel(level);
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (!isLoggable(r)) {
                    return;
                }
                String msg = FORMAT.formatMessage(r);
                synchronized (err) {
                    err.println("consensus: [" + r.getLevel().getName().toLowerCase(java.util.Locale.ROOT) + "] "
                            + shortName(r.getLoggerName()) + ": " + msg);
                    if (verbose && r.getThrown() != null) {
                        r.getThrown().printStackTrace(err);
                    } else if (r.getThrown() != null) {
                        err.println("consensus:   caused by " + r.getThrown());
                    }
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        h.setLevel(level);
        root.addHandler(h);
    }

    /** @return true if {@code --verbose} was given */
    static boolean verbose() {
        return verbose;
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }
}
