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

    /** Validates. */
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
     * @param bytes the largest payload
     * @return these limits with another frame size
     */
    public TransportLimits withMaxFrameBytes(int bytes) {
        return new TransportLimits(bytes, maxPendingRequests, connectTimeout, handshakeTimeout);
    }
}
