package dev.bftkit.runtime;

import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.Transport;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Node} drives its Decider.
 *
 * @param decider the Decider; the node becomes its only caller
 * @param storage the node's store: the Decider read it when it was created, and the node makes each of its steps
 *     durable there before sending anything of it
 * @param transport the transport its gossip travels on; served on the Decider's instance as channel
 * @param clock the tick schedule
 * @param requestTimeout how long to wait for a peer's response
 * @param closeTransport whether {@link Node#close()} also closes the transport (false when instances share one)
 * @param closeStorage whether {@link Node#close()} also closes the storage (false when instances share one, or its
 *     opener closes it)
 * @param maxRetainedDecisions how many decisions {@link Node#decisions()} keeps for subscribers that have not read
 *     them yet; a subscriber that falls further behind gets an error
 * @param listener observes ticks and decisions
 */
public record NodeConfig(Decider decider, Storage storage, Transport transport, TickClock clock, Duration requestTimeout,
                         boolean closeTransport, boolean closeStorage, int maxRetainedDecisions,
                         NodeListener listener) {

    /**
     * Validates. {@link #of(Decider, Storage, Transport)} fills in defaults for everything but the Decider, storage
     * and transport.
     *
     * @param decider the Decider to drive; the node becomes its only caller, on the node's own thread
     * @param storage the node's open store
     * @param transport the transport to gossip on; the node serves the Decider's instance id on it as channel
     * @param clock the tick schedule; {@link TickClock#REFERENCE} is Streamlette's
     * @param requestTimeout how long to wait for a peer's response before telling the Decider that the request
     *     failed; positive
     * @param closeTransport true if {@link Node#close()} also closes {@code transport}; false when several nodes
     *     (instances) share one transport and its owner closes it
     * @param closeStorage true if {@link Node#close()} also closes {@code storage}, once the Decider is closed; false
     *     when several nodes share one store or its opener closes it
     * @param maxRetainedDecisions how many decisions {@link Node#decisions()} buffers for subscribers that have not
     *     read them yet, at least 1; a subscriber that falls further behind gets an error
     * @param listener observes phases, decisions and rejected messages; not null ({@code new NodeListener() { }}
     *     observes nothing)
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code requestTimeout} is not positive or {@code maxRetainedDecisions}
     *     is less than 1
     */
    public NodeConfig {
        Objects.requireNonNull(decider, "decider");
        Objects.requireNonNull(storage, "storage");
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
     * Defaults: the reference clock (1 s × 1.05), 5 s request timeout, the node closes the transport but not the
     * storage, 65,536 retained decisions, no listener.
     *
     * @param decider the Decider
     * @param storage the store the Decider read and the node writes its steps to
     * @param transport the transport
     * @return the config
     */
    public static NodeConfig of(Decider decider, Storage storage, Transport transport) {
        return new NodeConfig(decider, storage, transport, TickClock.REFERENCE, Duration.ofSeconds(5), true, false,
                65_536, new NodeListener() { });
    }

    /**
     * {@return a copy of this configuration with {@code clock} as its tick schedule}
     *
     * @param clock another tick schedule
     */
    public NodeConfig withClock(TickClock clock) {
        return new NodeConfig(decider, storage, transport, clock, requestTimeout, closeTransport, closeStorage,
                maxRetainedDecisions, listener);
    }

    /**
     * {@return a copy of this configuration with {@code timeout} as its request timeout}
     *
     * @param timeout another request timeout
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public NodeConfig withRequestTimeout(Duration timeout) {
        return new NodeConfig(decider, storage, transport, clock, timeout, closeTransport, closeStorage,
                maxRetainedDecisions, listener);
    }

    /**
     * {@return a copy of this configuration with {@code listener} observing the node}
     *
     * @param listener another listener
     */
    public NodeConfig withListener(NodeListener listener) {
        return new NodeConfig(decider, storage, transport, clock, requestTimeout, closeTransport, closeStorage,
                maxRetainedDecisions, listener);
    }

    /**
     * {@return a copy of this configuration in which closing the node closes the transport only if {@code close}}
     *
     * @param close whether closing the node closes the transport
     */
    public NodeConfig withCloseTransport(boolean close) {
        return new NodeConfig(decider, storage, transport, clock, requestTimeout, close, closeStorage,
                maxRetainedDecisions, listener);
    }

    /**
     * {@return a copy of this configuration in which closing the node closes the storage only if {@code close}}
     *
     * @param close whether closing the node closes the storage, once its Decider is closed
     */
    public NodeConfig withCloseStorage(boolean close) {
        return new NodeConfig(decider, storage, transport, clock, requestTimeout, closeTransport, close,
                maxRetainedDecisions, listener);
    }

    /**
     * {@return a copy of this configuration that keeps up to {@code max} decisions for subscribers that lag behind}
     *
     * @param max how many decisions to retain for subscribers
     * @throws IllegalArgumentException if {@code max} is less than 1
     */
    public NodeConfig withMaxRetainedDecisions(int max) {
        return new NodeConfig(decider, storage, transport, clock, requestTimeout, closeTransport, closeStorage, max,
                listener);
    }
}
