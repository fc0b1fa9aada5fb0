package dev.bftkit.conformance.sim;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FaultLog;
import dev.bftkit.api.MemberChange;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.GraphView;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.runtime.Driver;
import dev.bftkit.runtime.TickClock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One Decider run by the production {@link Driver} over a store, its requests and decisions queued for the test to
 * take: for unit tests of a Decider that feed it inputs by hand and look at what comes out. Each input's writes are
 * durable in the store before its requests are queued, as on a real node, so a test can reload a new Decider from
 * the same store at any point.
 */
public final class DrivenDecider implements AutoCloseable {
    private final Decider decider;
    private final Driver driver;
    private final ArrayDeque<Outbound> outbox = new ArrayDeque<>();
    private final ArrayDeque<Decision> decisions = new ArrayDeque<>();
    private final List<MemberChange> memberChanges = new ArrayList<>();

    /**
     * Drives a Decider and carries out its {@link Decider#start()}.
     *
     * @param decider a Decider created from {@code storage}
     * @param storage the store it read, which the driver writes each step to
     */
    public DrivenDecider(Decider decider, Storage storage) {
        this.decider = decider;
        this.driver = new Driver(decider, storage, TickClock.REFERENCE, new Driver.Host() {
            @Override
            public void send(Outbound request) {
                outbox.add(request);
            }

            @Override
            public void decided(Decision decision) {
                decisions.add(decision);
            }

            @Override
            public void memberChanged(MemberChange change) {
                memberChanges.add(change);
            }
        });
        driver.start();
    }

    /** {@return every member change the Decider handed out so far, in order} */
    public List<MemberChange> memberChanges() {
        return List.copyOf(memberChanges);
    }

    /** {@return the Decider, for reads} */
    public Decider decider() {
        return decider;
    }

    /** One phase of logical time. */
    public void tick() {
        driver.phase();
    }

    /**
     * Offers a value.
     *
     * @param payload the value
     */
    public void submit(byte[] payload) {
        driver.submit(payload);
    }

    /**
     * {@return the Decider's answer}
     *
     * @param from the asker
     * @param request the request
     * @throws dev.bftkit.api.InvalidMessageException if it refused the request
     */
    public byte[] onRequest(NodeId from, byte[] request) {
        return driver.request(from, request);
    }

    /**
     * Feeds a response.
     *
     * @param from the peer that answered
     * @param response the response
     * @throws dev.bftkit.api.InvalidMessageException if it refused the response (what it took stays)
     */
    public void onResponse(NodeId from, byte[] response) {
        driver.response(from, response);
    }

    /**
     * A request got no response.
     *
     * @param peer the peer asked
     */
    public void onRequestFailed(NodeId peer) {
        driver.requestFailed(peer);
    }

    /** {@return the oldest request not yet taken} */
    public Optional<Outbound> nextGossip() {
        return Optional.ofNullable(outbox.poll());
    }

    /** {@return the oldest decision not yet taken} */
    public Optional<Decision> poll() {
        return Optional.ofNullable(decisions.poll());
    }

    /** {@return the Decider's fault log} */
    public FaultLog faults() {
        return decider.faults();
    }

    /** {@return what the Decider retains} */
    public Footprint footprint() {
        return decider.footprint();
    }

    /** {@return the most the Decider may retain now} */
    public Footprint footprintBound() {
        return decider.footprintBound();
    }

    /** {@return the Decider's picture as Graphviz DOT, or an empty string if it has none} */
    public String toDot() {
        return decider instanceof GraphView g ? g.toDot() : "";
    }

    /** {@return the Decider's logical tick} */
    public long currentTick() {
        return decider.currentTick();
    }

    /** Closes the Decider (not the store). */
    @Override
    public void close() {
        decider.close();
    }
}
