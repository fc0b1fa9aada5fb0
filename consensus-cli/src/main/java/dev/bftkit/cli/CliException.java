package dev.bftkit.cli;

import dev.bftkit.api.BftException;

/** A command's failure, reported as one line with its exit code (see {@link ExitCodes}). */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Bad arguments or configuration: exit code 2. */
    static CliException usage(String message) {
        return new CliException(ExitCodes.USAGE, message);
    }

    /** Bad arguments or configuration, with the underlying error (shown with {@code --verbose}). */
    static CliException usage(String message, Throwable cause) {
        return new CliException(ExitCodes.USAGE, message, cause);
    }

    /** The run failed: exit code 1. */
    static CliException failure(String message) {
        return new CliException(ExitCodes.FAILURE, message);
    }

    /** The run failed, with the underlying error (shown with {@code --verbose}). */
    static CliException failure(String message, Throwable cause) {
        return new CliException(ExitCodes.FAILURE, message, cause);
    }

    int exitCode() {
        return exitCode;
    }

    /** The error as one line: its message, or its kind when it has none. */
    static String oneLine(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            m = e instanceof BftException ? e.getClass().getSimpleName() : e.toString();
        }
        if (e instanceof CliException c && c.getCause() != null && c.getCause().getMessage() != null
                && !m.contains(c.getCause().getMessage())) {
            m = m + ": " + c.getCause().getMessage();
        }
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
