package dev.bftkit.api;

/**
 * A Storage failure: the store is locked, unreadable, corrupt, closed or out of space, or it is not the store the
 * node signed with. The message names the file where there is one. A store never answers with wrong bytes instead of
 * throwing this.
 */
public final class StorageException extends BftException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, for callers that branch on it. */
    public enum Kind {
        /** The store failed: locked, unreadable, damaged, closed, out of space. */
        FAILED,
        /**
         * The store lacks what the node stored before (deleted, replaced, restored from an older copy): a node on it
         * could sign messages that contradict ones it signed already. It refuses to start until the loss is accepted.
         */
        STATE_LOST,
        /**
         * The node may have signed messages in this instance with a store it lost, so it never takes part in the
         * instance again.
         */
        MAY_HAVE_SIGNED
    }

    private final Kind kind;

    /**
     * Creates the exception for a failure the store detected itself (a lock held, damaged bytes, a closed store).
     *
     * @param message what failed, naming the file where there is one
     */
    public StorageException(String message) {
        this(Kind.FAILED, message, null);
    }

    /**
     * Creates the exception for a failure underneath the store, usually an {@link java.io.IOException}.
     *
     * @param message what failed, naming the file where there is one
     * @param cause the underlying failure
     */
    public StorageException(String message, Throwable cause) {
        this(Kind.FAILED, message, cause);
    }

    /**
     * Creates the exception for a failure of a given kind.
     *
     * @param kind what kind of failure
     * @param message what failed, naming the file where there is one
     * @param cause the underlying failure, or null
     */
    public StorageException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = java.util.Objects.requireNonNull(kind, "kind");
    }

    /** {@return what kind of failure this is} */
    public Kind kind() {
        return kind;
    }
}
