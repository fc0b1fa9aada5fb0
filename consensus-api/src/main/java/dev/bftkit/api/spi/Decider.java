package dev.bftkit.api.spi;

import dev.bftkit.api.FaultLog;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;

/**
 * One consensus instance on one node: a deterministic, single-threaded state machine with no I/O, clock or
 * randomness of its own (the shape of etcd/raft's Ready and hbbft's Step). Each input (a phase of logical time, a
 * value to offer, a peer's request or response, a failed request) returns a {@link Step}: what to persist, what to
 * send, the reply, new decisions and proven faults. Whoever drives it (the runtime's {@code Driver}, inside the real
 * node and the conformance kit's simulator alike) makes the step's writes durable before it sends or publishes
 * anything of it. The same inputs in the same order give the same steps, byte for byte.
 *
 * <p>A Decider reads what its node stored ({@link DeciderConfig#stored()}: when it is created, and later too, for
 * example to serve old entries to a peer; it always reflects every write of the steps its driver carried out) and
 * never writes, reads a file, starts a process or a thread. Bad bytes from a peer are answered with a step whose
 * {@link Step#rejected()} says what was wrong; misbehaviour that a message proves is also recorded in
 * {@link #faults()}. {@link dev.bftkit.api.FatalConsensusException} means the fault assumption was broken and the
 * node must stop.
 *
 * <p>Safety across crashes: anything the Decider signs is in the {@link Step#persist()} of the step that first hands
 * it out, or of an earlier one.
 */
public interface Decider extends AutoCloseable {
    /** {@return the instance this Decider runs} */
    InstanceId instance();

    /**
     * The first input, once, right after creation: what the Decider hands out on (re)start, such as the decisions it
     * reached before a restart (with the same positions and outcomes, from position 0; both of bftkit's Deciders do
     * this) and any setup it must persist.
     *
     * @return the step
     */
    Step start();

    /**
     * Offers a value for consensus (PARSEC: a vote for it; Streamlette: a value to propose when leading).
     *
     * @param payload the value
     * @return the step
     */
    Step submit(byte[] payload);

    /**
     * One phase of logical time passes. A logical tick has {@link #phasesPerTick()} phases; the driver spreads
     * them evenly over the tick's interval.
     *
     * @return the step
     * @throws dev.bftkit.api.FatalConsensusException if the fault assumption is proven broken
     */
    Step tick();

    /** {@return how many {@link #tick()} calls make one logical tick (Streamlette: propose, then vote)} */
    default int phasesPerTick() {
        return 1;
    }

    /**
     * Answers a peer's request: the step's {@link Step#reply()}, or its {@link Step#rejected()} when the request is
     * malformed or invalid.
     *
     * @param from the authenticated sender
     * @param request its bytes
     * @return the step
     */
    Step onRequest(NodeId from, byte[] request);

    /**
     * Absorbs a peer's response to one of our requests.
     *
     * @param from the peer that answered
     * @param response its bytes
     * @return the step; {@link Step#rejected()} says what was wrong with a malformed or invalid response, and
     *     whatever valid part was absorbed before the error is in the step
     * @throws dev.bftkit.api.FatalConsensusException if the fault assumption is proven broken
     */
    Step onResponse(NodeId from, byte[] response);

    /**
     * A request we sent got no response.
     *
     * @param peer the peer we asked
     * @return the step
     */
    default Step onRequestFailed(NodeId peer) {
        return Step.NONE;
    }

    /** {@return the misbehaviour seen so far} */
    FaultLog faults();

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

    /** Releases what the Decider holds. */
    @Override
    default void close() {
    }
}
