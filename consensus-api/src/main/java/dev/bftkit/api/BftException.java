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
}
