package dev.bftkit.conformance.adversary;

import dev.bftkit.api.BftException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Step;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An honest Decider run by a faulty member (a twin, a copy, the shadow of an adversary): its steps' requests wait in
 * a queue until the member sends them, withholds them or twists them; its writes are dropped (a faulty member need
 * not be durable) and its errors ignored (it is faulty anyway).
 */
public final class Shadow {
    private final Decider decider;
    private final ArrayDeque<Outbound> outbox = new ArrayDeque<>();

    /**
     * Runs a Decider as a faulty member's. Its {@link Decider#start()} is not called: a faulty member need not say
     * anything when it comes up, so its first step is that of its first input.
     *
     * @param decider a Decider created with the member's key
     */
    public Shadow(Decider decider) {
        this.decider = decider;
    }

    /** {@return the Decider itself, for reads and for an algorithm's own adversaries} */
    public Decider decider() {
        return decider;
    }

    /** One phase of logical time. */
    public void tick() {
        run(decider::tick);
    }

    /**
     * Offers a value.
     *
     * @param payload the value
     */
    public void submit(byte[] payload) {
        run(() -> decider.submit(payload));
    }

    /**
     * {@return the Decider's answer to a request, or null if it refused it}
     *
     * @param from the asker
     * @param request the request
     */
    public byte[] answer(NodeId from, byte[] request) {
        Step step = run(() -> decider.onRequest(from, request));
        return step == null ? null : step.reply().orElse(null);
    }

    /**
     * Feeds a response.
     *
     * @param from the peer that answered
     * @param response the response
     */
    public void absorb(NodeId from, byte[] response) {
        run(() -> decider.onResponse(from, response));
    }

    /**
     * A request got no response.
     *
     * @param peer the peer asked
     */
    public void requestFailed(NodeId peer) {
        run(() -> decider.onRequestFailed(peer));
    }

    /**
     * Queues the requests of a step the Decider made outside an input (an algorithm's own adversary, acting on the
     * Decider's internals, asks for the step itself).
     *
     * @param step the step
     */
    public void add(Step step) {
        outbox.addAll(step.send());
    }

    /** {@return the oldest request the Decider asked to send and nobody took yet} */
    public Optional<Outbound> nextGossip() {
        return Optional.ofNullable(outbox.poll());
    }

    private Step run(Supplier<Step> input) {
        try {
            Step step = input.get();
            outbox.addAll(step.send());
            return step;
        } catch (BftException e) {
            return null;
        }
    }
}
