package dev.bftkit.api;

/**
 * Bytes from a peer or a disk that were rejected. The {@link #reason()} is machine-readable; the message says what
 * was wrong in words. Rejecting a message never changes the receiver's state. It carries no stack trace: a
 * Byzantine member can make a node throw one per message it sends, and the reason and message say what was wrong.
 */
public final class InvalidMessageException extends BftException {
    private static final long serialVersionUID = 1L;

    /** Why a message was rejected. */
    public enum Reason {
        /** The bytes end before the message does, or a field is out of its range. */
        MALFORMED,
        /** Bytes remain after a complete message. */
        TRAILING_BYTES,
        /** A length, count or size is over its limit. */
        TOO_LARGE,
        /** The version byte is not one this code reads. */
        UNSUPPORTED_VERSION,
        /** The message-kind byte is unknown. */
        UNKNOWN_KIND,
        /** A signature does not verify. */
        BAD_SIGNATURE,
        /** The message belongs to another consensus instance. */
        WRONG_INSTANCE,
        /** The sender or signer is not a committee member. */
        NOT_MEMBER,
        /** The sender was not entitled to send this message (not the leader, not a voter, wrong state). */
        NOT_ALLOWED,
        /** The message refers to something the receiver does not hold. */
        UNKNOWN_REFERENCE,
        /** The message is too far ahead of the receiver to be accepted now. */
        TOO_EARLY,
        /** The message conflicts with one already accepted from the same sender. */
        CONFLICT,
        /** The receiver already holds this message. */
        DUPLICATE,
        /** The content failed the application's validation. */
        INVALID_CONTENT
    }

    private final Reason reason;

    /**
     * Creates the exception; its message is the reason followed by {@code message}.
     *
     * @param reason the machine-readable reason
     * @param message what was wrong, in words
     */
    public InvalidMessageException(Reason reason, String message) {
        this(reason, message, null);
    }

    /**
     * Creates the exception for a failure that another one revealed; its message is the reason followed by
     * {@code message}.
     *
     * @param reason the machine-readable reason
     * @param message what was wrong, in words
     * @param cause the underlying failure, or null
     */
    public InvalidMessageException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause, false);
        this.reason = reason;
    }

    /** {@return why the message was rejected} */
    public Reason reason() {
        return reason;
    }
}
