package dev.bftkit.runtime;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Decision;
import dev.bftkit.api.MemberChange;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.Fault;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Step;
import dev.bftkit.api.spi.Storage;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs one {@link Decider}'s inputs and carries out the {@link Step} each returns, in the order the Decider
 * contract requires: the step's writes become durable in the node's {@link Storage} first, then its requests are
 * sent (at most {@link #MAX_OUTBOUND_PER_INPUT}) and its reply returned, then its decisions and faults are
 * published. It also turns the {@link TickClock} into phase lengths. The real {@link Node} hosts it on a thread of
 * its own over a Transport; the conformance kit's simulator hosts it in virtual time, so a simulated run takes the
 * production path.
 *
 * <p>A write that fails stops the driver: it hands out nothing of that step or any later one (what the Decider
 * signed in it is not durable), and every later input throws the same {@link StorageException}; restart the node
 * from its storage.
 *
 * <p>Single-threaded and deterministic: it starts no thread and reads no clock. Its host calls it from one thread
 * at a time and carries out what it hands to {@link Host}.
 */
public final class Driver {
    /** The most requests sent for one input ({@link Step#MAX_SEND}), a bound on a runaway Decider; more are dropped. */
    public static final int MAX_OUTBOUND_PER_INPUT = Step.MAX_SEND;

    /** What a host does with a Decider's outputs. Called on the thread that called the {@link Driver}. */
    public interface Host {
        /**
         * Carries a request to its peer; the peer's answer (or its failure) comes back through
         * {@link Driver#response} or {@link Driver#requestFailed}.
         *
         * @param request the peer and the bytes
         */
        void send(Outbound request);

        /**
         * Publishes a decision, in position order; a restarted Decider hands out its earlier decisions again first.
         *
         * @param decision the decision
         */
        void decided(Decision decision);

        /**
         * The Decider restored its state from a snapshot standing for every position below the checkpoint's; its
         * next decision is at that position. Called before the decisions of the same step.
         *
         * @param checkpoint the snapshot's checkpoint
         */
        default void restored(Checkpoint checkpoint) {
        }

        /**
         * The Decider decided a member change. Called after the decisions of the same step.
         *
         * @param change the change
         */
        default void memberChanged(MemberChange change) {
        }

        /**
         * One input asked for more than {@link #MAX_OUTBOUND_PER_INPUT} requests; the rest were dropped.
         *
         * @param max the bound
         */
        default void outboundCapped(int max) {
        }

        /**
         * Misbehaviour the last input proved (also in the Decider's fault log).
         *
         * @param faults the new faults
         */
        default void faulted(List<Fault> faults) {
        }
    }

    private final Decider decider;
    private final Storage storage;
    private final TickClock clock;
    private final Host host;
    private final int phases;

    private long phaseTick = -1;
    private int phase;
    private StorageException failedWrite;
    /** Writes begun and not yet returned: while one is, nothing may leave the node (checked with {@code -ea}). */
    private int writing;

    /**
     * Drives a Decider.
     *
     * @param decider the Decider; the driver becomes its only caller
     * @param storage the node's store, which the Decider read when it was created; the driver writes each step to it
     * @param clock the tick schedule
     * @param host what to do with its outputs
     */
    public Driver(Decider decider, Storage storage, TickClock clock, Host host) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.host = Objects.requireNonNull(host, "host");
        this.phases = Math.max(1, decider.phasesPerTick());
    }

    /** {@return the Decider, for read-only queries between inputs} */
    public Decider decider() {
        return decider;
    }

    /** {@return how many phases make one logical tick} */
    public int phasesPerTick() {
        return phases;
    }

    /**
     * {@return the logical tick the next phase belongs to: the Decider's own, so the clock follows a Decider that
     * caught up with its committee or reloaded its tick}
     */
    public long tick() {
        return decider.currentTick();
    }

    /** {@return the phase within {@link #tick()} that the next {@link #phase()} runs, from 0} */
    public int nextPhase() {
        return tick() == phaseTick ? phase : 0;
    }

    /** {@return how long to wait before the next phase, in nanoseconds: the current tick's length split evenly} */
    public long phaseNanos() {
        return clock.phaseNanos(tick(), phases);
    }

    /**
     * {@return how long the current tick lasts in (possibly virtual) milliseconds, unrounded; a simulator that scales
     * time divides it by {@link #phasesPerTick()} itself}
     */
    public double tickMillis() {
        return clock.tickMillis(tick());
    }

    /** The first input: carries out what the Decider hands out when it is created (or reloaded from storage). */
    public void start() {
        input(decider::start);
    }

    /**
     * Runs one phase of logical time.
     *
     * @throws FatalConsensusException if the fault assumption is proven broken
     */
    public void phase() {
        long t = tick();
        phase = t == phaseTick ? phase : 0;
        phaseTick = t;
        input(decider::tick);
        phase++;
    }

    /**
     * Offers a value.
     *
     * @param payload the value
     */
    public void submit(byte[] payload) {
        input(() -> decider.submit(payload));
    }

    /**
     * Answers a peer's request. The step's writes are durable and its requests sent before the reply is returned.
     *
     * @param from the authenticated sender
     * @param request its bytes
     * @return the response
     * @throws InvalidMessageException if the Decider refused the request (the rest of its step is still carried out)
     * @throws FatalConsensusException if the fault assumption is proven broken (nothing is carried out)
     */
    public byte[] request(NodeId from, byte[] request) {
        Step step = input(() -> decider.onRequest(from, request));
        byte[] reply = step.reply().orElseThrow(() -> new IllegalStateException(
                "the Decider answered a request with neither a reply nor a rejection"));
        assertDurable("a reply");
        return reply;
    }

    /**
     * Absorbs a peer's response.
     *
     * @param from the peer that answered
     * @param response its bytes
     * @throws InvalidMessageException if the Decider refused it (the rest of its step is still carried out)
     * @throws FatalConsensusException if the fault assumption is proven broken
     */
    public void response(NodeId from, byte[] response) {
        input(() -> decider.onResponse(from, response));
    }

    /**
     * A request got no response.
     *
     * @param peer the peer asked
     */
    public void requestFailed(NodeId peer) {
        input(() -> decider.onRequestFailed(peer));
    }

    /**
     * Runs one input and carries out its step: persist, then send, then publish; a rejection is thrown last.
     *
     * @throws StorageException if this step's write or an earlier one failed (nothing of it is handed out)
     */
    private Step input(Supplier<Step> call) {
        if (failedWrite != null) {
            throw failedWrite;
        }
        Step step = call.get();
        persist(step);
        List<Outbound> send = step.send();
        for (int i = 0; i < Math.min(send.size(), MAX_OUTBOUND_PER_INPUT); i++) {
            assertDurable("a request");
            host.send(send.get(i));
        }
        if (send.size() > MAX_OUTBOUND_PER_INPUT) {
            host.outboundCapped(MAX_OUTBOUND_PER_INPUT);
        }
        if (step.checkpoint().isPresent()) {
            assertDurable("a checkpoint");
            host.restored(step.checkpoint().get());
        }
        for (Decision d : step.decisions()) {
            assertDurable("a decision");
            host.decided(d);
        }
        for (MemberChange c : step.memberChanges()) {
            host.memberChanged(c);
        }
        if (!step.faults().isEmpty()) {
            host.faulted(step.faults());
        }
        if (step.rejected().isPresent()) {
            throw step.rejected().get();
        }
        return step;
    }

    /** Makes the step's writes durable; a write that fails stops the driver. */
    private void persist(Step step) {
        if (step.persist().isEmpty()) {
            return;
        }
        writing++;
        try {
            storage.write(step.persist());
        } catch (StorageException e) {
            failedWrite = e;
            throw e;
        } finally {
            writing--;
        }
    }

    /**
     * The Decider contract's safety rule: nothing of a step leaves the node before its writes, and those of every
     * step before it, are durable. A storage that calls back into the driver while it writes (so that a later step
     * would be handed out before an earlier one is durable) breaks it.
     */
    private void assertDurable(String what) {
        assert writing == 0 : what + " would leave the node while a step's write is not yet durable";
    }
}
