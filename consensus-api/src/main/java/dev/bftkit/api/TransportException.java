package dev.bftkit.api;

/**
 * A Transport failure, delivered on a request's future: the peer is unknown or unreachable, the request timed out,
 * a frame was too large, the peer failed authentication, or the remote handler failed.
 */
public final class TransportException extends BftException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Kind {
        /** The peer is not in the configured committee. */
        UNKNOWN_PEER,
        /** No connection could be made. */
        UNREACHABLE,
        /** No response arrived in time. */
        TIMEOUT,
        /** A frame exceeded the limit. */
        FRAME_TOO_LARGE,
        /** The peer failed the handshake. */
        AUTHENTICATION,
        /** The remote handler failed or no handler serves the channel. */
        REMOTE_ERROR,
        /** Too many requests are pending. */
        OVERLOADED,
        /** The transport is closed. */
        CLOSED,
        /** Bytes on the wire broke the framing protocol. */
        PROTOCOL
    }

    private final Kind kind;

    /**
     * Creates the exception; its message is the kind followed by {@code message}.
     *
     * @param kind the kind of failure
     * @param message what failed
     */
    public TransportException(Kind kind, String message) {
        this(kind, message, null);
    }

    /**
     * Creates the exception for a failure that another one caused; its message is the kind followed by {@code message}.
     *
     * @param kind the kind of failure
     * @param message what failed
     * @param cause the underlying failure, or null
     */
    public TransportException(Kind kind, String message, Throwable cause) {
        super(kind + ": " + message, cause);
        this.kind = kind;
    }

    /** {@return the kind of failure} */
    public Kind kind() {
        return kind;
    }
}
