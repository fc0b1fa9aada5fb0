package dev.bftkit.runtime;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Decider;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs one {@link Decider}'s inputs and carries out its outputs in the order the Decider contract requires, on
 * whatever thread and clock its host gives it. It is the one place that drains a Decider after an input (decisions
 * first, then at most {@link #MAX_OUTBOUND_PER_INPUT} requests) and that turns the {@link TickClock} into phase
 * lengths. The real {@link Node} hosts it on a thread of its own over a Transport; the conformance kit's simulator
 * hosts it in virtual time, so a simulated run takes the production path.
 *
 * <p>Single-threaded and deterministic: it starts no thread, reads no clock and does no I/O. Its host calls it from
 * one thread at a time and carries out what it hands to {@link Host}.
 */
public final class Driver {
    /** The most requests handed out for one input, a bound on a runaway Decider; the rest wait for the next input. */
    public static final int MAX_OUTBOUND_PER_INPUT = 4096;

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
         * One input asked for more than {@link #MAX_OUTBOUND_PER_INPUT} requests; the rest wait for the next input.
         *
         * @param max the bound
         */
        default void outboundCapped(int max) {
        }
    }

    private final Decider decider;
    private final TickClock clock;
    private final Host host;
    private final int phases;

    private long phaseTick = -1;
    private int phase;

    /**
     * Drives a Decider.
     *
     * @param decider the Decider; the driver becomes its only caller
     * @param clock the tick schedule
     * @param host what to do with its outputs
     */
    public Driver(Decider decider, TickClock clock, Host host) {
        this.decider = Objects.requireNonNull(decider, "decider");
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

    /** Hands out what the Decider holds after it was created (a reloaded Decider's decisions and gossip). */
    public void start() {
        afterInput();
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
     * Answers a peer's request. The answer is the Decider's; what it asks to send and decide is carried out first.
     *
     * @param from the authenticated sender
     * @param request its bytes
     * @return the response
     * @throws dev.bftkit.api.InvalidMessageException if the Decider refused the request (its outputs are still
     *     carried out)
     * @throws FatalConsensusException if the fault assumption is proven broken (nothing more is carried out)
     */
    public byte[] request(NodeId from, byte[] request) {
        byte[][] reply = new byte[1][];
        input(() -> reply[0] = decider.onRequest(from, request));
        return reply[0];
    }

    /**
     * Absorbs a peer's response.
     *
     * @param from the peer that answered
     * @param response its bytes
     * @throws dev.bftkit.api.InvalidMessageException if the Decider refused it (its outputs are still carried out)
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
     * Runs one input, then carries out its outputs, also when the Decider refused the input: what it absorbed
     * before refusing stays. A fatal error stops here.
     */
    private void input(Runnable call) {
        try {
            call.run();
        } catch (FatalConsensusException fatal) {
            throw fatal;
        } catch (RuntimeException refused) {
            afterInput();
            throw refused;
        }
        afterInput();
    }

    /** Publishes decisions, then sends what the Decider asks to send, up to the bound. */
    private void afterInput() {
        for (Optional<Decision> d = decider.poll(); d.isPresent(); d = decider.poll()) {
            host.decided(d.get());
        }
        for (int i = 0; i < MAX_OUTBOUND_PER_INPUT; i++) {
            Optional<Outbound> out = decider.nextGossip();
            if (out.isEmpty()) {
                return;
            }
            host.send(out.get());
        }
        host.outboundCapped(MAX_OUTBOUND_PER_INPUT);
    }
}
