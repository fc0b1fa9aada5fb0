package dev.bftkit.api;

/**
 * A Storage failure: the store is locked, unreadable, corrupt, closed or out of space. The message names the file
 * where there is one. A store never answers with wrong bytes instead of throwing this.
 */
public final class StorageException extends BftException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a failure the store detected itself (a lock held, damaged bytes, a closed store).
     *
     * @param message what failed, naming the file where there is one
     */
    public StorageException(String message) {
        super(message, null);
    }

    /**
     * Creates the exception for a failure underneath the store, usually an {@link java.io.IOException}.
     *
     * @param message what failed, naming the file where there is one
     * @param cause the underlying failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
