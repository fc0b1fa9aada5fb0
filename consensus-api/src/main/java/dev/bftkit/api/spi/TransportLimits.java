package dev.bftkit.api.spi;

import java.time.Duration;

/**
 * Bounds a {@link Transport} enforces.
 *
 * @param maxFrameBytes the largest request or response payload, in bytes
 * @param maxPendingRequests the most outgoing requests awaiting a response at once; more fail as overloaded
 * @param connectTimeout how long a connection and its handshake may take
 * @param handshakeTimeout how long an inbound connection may take to authenticate before it is closed
 */
public record TransportLimits(int maxFrameBytes, int maxPendingRequests, Duration connectTimeout,
                              Duration handshakeTimeout) {

    /** The defaults: 16 MiB frames, 4,096 pending requests, 2 s to connect and to authenticate. */
    public static final TransportLimits DEFAULT =
            new TransportLimits(16 * 1024 * 1024, 4096, Duration.ofSeconds(2), Duration.ofSeconds(2));

    /**
     * Validates.
     *
     * @param maxFrameBytes the largest request or response payload, in bytes, at least 1; the transport refuses a
     *     larger one
     * @param maxPendingRequests the most outgoing requests awaiting a response at once, at least 1; more fail as
     *     overloaded
     * @param connectTimeout how long an outbound connection and its handshake may take; positive
     * @param handshakeTimeout how long an inbound connection may take to authenticate before it is closed; positive
     * @throws NullPointerException if a timeout is null
     * @throws IllegalArgumentException if a count is less than 1 or a timeout is not positive
     */
    public TransportLimits {
        if (maxFrameBytes < 1 || maxPendingRequests < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || handshakeTimeout.isNegative()
                || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /**
     * {@return a copy of these limits with {@code bytes} as the largest payload}
     *
     * @param bytes the largest payload
     * @throws IllegalArgumentException if {@code bytes} is less than 1
     */
    public TransportLimits withMaxFrameBytes(int bytes) {
        return new TransportLimits(bytes, maxPendingRequests, connectTimeout, handshakeTimeout);
    }
}
