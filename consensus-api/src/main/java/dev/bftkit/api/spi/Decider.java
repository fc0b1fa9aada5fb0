package dev.bftkit.api.spi;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import java.util.Optional;

/**
 * One consensus instance on one node: a deterministic, single-threaded state machine with no I/O, clock or
 * randomness of its own. Whoever drives it (the runtime's {@code Node}, or the conformance kit's simulator) feeds it
 * ticks, peers' requests and peers' responses, sends what {@link #nextGossip()} asks for, and polls decisions.
 * The same inputs in the same order give the same outputs, byte for byte.
 *
 * <p>After each input the driver drains {@link #nextGossip()} and {@link #poll()}. Bad bytes from a peer are
 * answered with {@link dev.bftkit.api.InvalidMessageException} and change no state; misbehaviour that a message
 * proves is also recorded in {@link #faults()}. {@link dev.bftkit.api.FatalConsensusException} means the fault
 * assumption was broken and the node must stop.
 *
 * <p>Safety across crashes: anything the Decider signs is durable in its storage before {@link #nextGossip()} or
 * {@link #onRequest} can hand it out.
 */
public interface Decider extends AutoCloseable {
    /** {@return the instance this Decider runs} */
    InstanceId instance();

    /**
     * Offers a value for consensus (PARSEC: a vote for it; Streamlette: a value to propose when leading).
     *
     * @param payload the value
     */
    void submit(byte[] payload);

    /**
     * One phase of logical time passes. A logical tick has {@link #phasesPerTick()} phases; the runtime spreads
     * them evenly over the tick's interval.
     *
     * @throws dev.bftkit.api.FatalConsensusException if the fault assumption is proven broken
     */
    void tick();

    /** {@return how many {@link #tick()} calls make one logical tick (Streamlette: propose, then vote)} */
    default int phasesPerTick() {
        return 1;
    }

    /** {@return the next request to send, if any; drained by the driver after every input} */
    Optional<Outbound> nextGossip();

    /**
     * Answers a peer's request.
     *
     * @param from the authenticated sender
     * @param request its bytes
     * @return the response
     * @throws dev.bftkit.api.InvalidMessageException if the request is malformed or invalid
     */
    byte[] onRequest(NodeId from, byte[] request);

    /**
     * Absorbs a peer's response to one of our requests.
     *
     * @param from the peer that answered
     * @param response its bytes
     * @throws dev.bftkit.api.InvalidMessageException if the response is malformed or invalid; whatever valid part
     *     was absorbed before the error stays
     * @throws dev.bftkit.api.FatalConsensusException if the fault assumption is proven broken
     */
    void onResponse(NodeId from, byte[] response);

    /**
     * A request we sent got no response.
     *
     * @param peer the peer we asked
     */
    default void onRequestFailed(NodeId peer) {
    }

    /**
     * The next decision, in position order. Positions start at 0 and never skip. A Decider restarted from its
     * storage hands out again, with the same positions and outcomes, the decisions it reached before (both of
     * bftkit's Deciders do, from position 0), so a decision polled just before a crash is never lost; it never
     * changes one. Consumers that apply decisions keep the last position they applied and skip repeats.
     *
     * @return the next decision in order, if one is ready
     */
    Optional<Decision> poll();

    /** {@return the misbehaviour seen so far} */
    FaultLog faults();

    /** {@return the message tree or gossip graph as Graphviz DOT} */
    String toDot();

    /** {@return the logical tick this Decider is in (ticks completed so far)} */
    long currentTick();

    /**
     * {@return what this Decider retains now: its own and its peers' messages (or events), their votes and anything
     * waiting to be used, counted as entries and bytes}
     */
    Footprint footprint();

    /**
     * The most this Decider may retain in its present state, by a formula its algorithm states (in its Javadoc) from
     * its configuration and its own progress: the committee, its limits, its tick. Whatever Byzantine members
     * sign and send, {@link #footprint()} never exceeds it; what one peer sends alone never raises it. The
     * conformance kit checks both after every input.
     *
     * @return the bound, in entries and bytes
     */
    Footprint footprintBound();

    /**
     * {@return the largest request or response, in bytes, this Decider hands out; a peer with the same
     * configuration accepts any message up to this size, so an honest node is never refused for a size it was
     * pushed into}
     */
    long maxMessageBytes();

    /** Releases what the Decider holds; it does not close the storage it was given. */
    @Override
    default void close() {
    }
}
