package dev.bftkit.cli;

/** The command's exit codes, documented in docs/CLI.md. */
final class ExitCodes {
    /** Success. */
    static final int OK = 0;
    /** A run failed or an invariant broke. */
    static final int FAILURE = 1;
    /** Bad arguments or configuration (flags, missing or malformed files, unknown plugins). */
    static final int USAGE = 2;

    private ExitCodes() {
    }
}
