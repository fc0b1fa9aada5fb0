package dev.bftkit.api.runtime;

import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Transport;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Node} drives its Decider.
 *
 * @param decider the Decider; the node becomes its only caller
 * @param transport the transport its gossip travels on; served on the Decider's instance as channel
 * @param clock the tick schedule
 * @param requestTimeout how long to wait for a peer's response
 * @param closeTransport whether {@link Node#close()} also closes the transport (false when instances share one)
 * @param maxRetainedDecisions how many decisions {@link Node#decisions()} keeps for subscribers that have not read
 *     them yet; a subscriber that falls further behind gets an error
 * @param listener observes ticks and decisions
 */
public record NodeConfig(Decider decider, Transport transport, TickClock clock, Duration requestTimeout,
                         boolean closeTransport, int maxRetainedDecisions, NodeListener listener) {

    /** Validates. */
    public NodeConfig {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(listener, "listener");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
        if (maxRetainedDecisions < 1) {
            throw new IllegalArgumentException("maxRetainedDecisions must be positive");
        }
    }

    /**
     * Defaults: the reference clock (1 s × 1.05), 5 s request timeout, the node closes the transport, 65,536
     * retained decisions, no listener.
     *
     * @param decider the Decider
     * @param transport the transport
     * @return the config
     */
    public static NodeConfig of(Decider decider, Transport transport) {
        return new NodeConfig(decider, transport, TickClock.REFERENCE, Duration.ofSeconds(5), true, 65_536,
                new NodeListener() { });
    }

    /**
     * @param clock another tick schedule
     * @return a copy with it
     */
    public NodeConfig withClock(TickClock clock) {
        return new NodeConfig(decider, transport, clock, requestTimeout, closeTransport, maxRetainedDecisions,
                listener);
    }

    /**
     * @param timeout another request timeout
     * @return a copy with it
     */
    public NodeConfig withRequestTimeout(Duration timeout) {
        return new NodeConfig(decider, transport, clock, timeout, closeTransport, maxRetainedDecisions, listener);
    }

    /**
     * @param listener another listener
     * @return a copy with it
     */
    public NodeConfig withListener(NodeListener listener) {
        return new NodeConfig(decider, transport, clock, requestTimeout, closeTransport, maxRetainedDecisions,
                listener);
    }

    /**
     * @param close whether closing the node closes the transport
     * @return a copy with it
     */
    public NodeConfig withCloseTransport(boolean close) {
        return new NodeConfig(decider, transport, clock, requestTimeout, close, maxRetainedDecisions, listener);
    }

    /**
     * @param max how many decisions to retain for subscribers
     * @return a copy with it
     */
    public NodeConfig withMaxRetainedDecisions(int max) {
        return new NodeConfig(decider, transport, clock, requestTimeout, closeTransport, max, listener);
    }
}
