package dev.bftkit.api;

/**
 * The root of bftkit's errors. Each subclass names one kind of failure, so callers can tell bad peer input
 * ({@link InvalidMessageException}) from broken fault assumptions ({@link FatalConsensusException}), storage
 * failures ({@link StorageException}), network failures ({@link TransportException}) and configuration mistakes
 * ({@link ConfigurationException}).
 */
public abstract sealed class BftException extends RuntimeException
        permits InvalidMessageException, FatalConsensusException, StorageException, TransportException,
        ConfigurationException {
    private static final long serialVersionUID = 1L;

    /**
     * For subclasses: an error with its message and, if another failure caused it, that cause.
     *
     * @param message what went wrong
     * @param cause the underlying failure, or null
     */
    protected BftException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * For subclasses: an error with its message and cause, and whether it records where it was thrown. Errors that
     * answer a peer's bad input are thrown once per bad message, as often as a Byzantine member likes; their
     * message says what was wrong, so they skip the stack trace, which would cost more than the check.
     *
     * @param message what went wrong
     * @param cause the underlying failure, or null
     * @param stackTrace whether to record the stack trace
     */
    protected BftException(String message, Throwable cause, boolean stackTrace) {
        super(message, cause, true, stackTrace);
    }
}
