package dev.bftkit.conformance.adversary;

import dev.bftkit.api.NodeId;

/**
 * What a Byzantine node does in the simulator. It sees the raw bytes of its requests and responses and may run
 * honest Deciders with its own key ({@link ByzantineContext#decider}) to produce validly signed messages to twist.
 * The standard behaviours are in {@link Behaviours}; a plugin author can add algorithm-specific ones.
 */
public interface Behaviour {
    /** {@return a short name, used in reports and replay commands} */
    String name();

    /**
     * One phase of the node's clock passed.
     *
     * @param ctx the node's view of the simulation
     */
    void onPhase(ByzantineContext ctx);

    /**
     * A peer's request arrived.
     *
     * @param ctx the node's view
     * @param from the requester
     * @param request its bytes
     * @return the response, or null to stay silent (the requester times out)
     */
    byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request);

    /**
     * A response to one of our requests arrived.
     *
     * @param ctx the node's view
     * @param from the peer
     * @param tag the tag given to {@link ByzantineContext#send}
     * @param response its bytes
     */
    void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response);

    /**
     * One of our requests got no response.
     *
     * @param ctx the node's view
     * @param peer the peer
     * @param tag the tag given to {@link ByzantineContext#send}
     */
    default void onRequestFailed(ByzantineContext ctx, NodeId peer, int tag) {
    }
}
