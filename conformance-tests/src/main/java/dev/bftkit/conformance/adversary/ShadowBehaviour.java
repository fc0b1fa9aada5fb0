package dev.bftkit.conformance.adversary;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import java.util.Optional;

/**
 * A Byzantine member that runs an honest Decider with its own key (its shadow) and twists what it hands out: the
 * base of most strategies, standard or algorithm-specific. Unchanged, it is an honest node; subclasses override the
 * hooks: {@link #active} to fall silent, {@link #twist} to change a response, {@link #sent} to see each request,
 * {@link #beforeGossip} to act on the shadow each phase (sign something extra with {@link ByzantineContext#key()}),
 * {@link #decider} to run another shadow.
 */
public abstract class ShadowBehaviour implements Behaviour {
    private final String name;

    /**
     * A shadow-running behaviour.
     *
     * @param name its name, for reports and replay commands
     */
    protected ShadowBehaviour(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * {@return whether the member acts at all now; when false it neither asks nor answers}
     *
     * @param ctx the member's view
     */
    protected boolean active(ByzantineContext ctx) {
        return true;
    }

    /**
     * {@return the instance the shadow runs: the scenario's by default}
     *
     * @param ctx the member's view
     */
    protected InstanceId instanceFor(ByzantineContext ctx) {
        return ctx.instance();
    }

    /**
     * {@return the response to hand out instead of the shadow's}
     *
     * @param ctx the member's view
     * @param from the peer that asked
     * @param response the shadow's honest response
     */
    protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
        return response;
    }

    /**
     * Sees each request the shadow sends.
     *
     * @param ctx the member's view
     * @param request the request's bytes
     */
    protected void sent(ByzantineContext ctx, byte[] request) {
    }

    /**
     * Acts on the shadow after each of its inputs, before its requests are sent.
     *
     * @param ctx the member's view
     * @param shadow the shadow, after the input
     */
    protected void beforeGossip(ByzantineContext ctx, Shadow shadow) {
    }

    /**
     * {@return the shadow: an honest Decider with this member's key, created on first use}
     *
     * @param ctx the member's view
     */
    protected Shadow decider(ByzantineContext ctx) {
        return ctx.decider("honest", instanceFor(ctx));
    }

    @Override
    public void onPhase(ByzantineContext ctx) {
        if (!active(ctx)) {
            return;
        }
        Shadow d = decider(ctx);
        d.tick();
        send(ctx, d);
    }

    private void send(ByzantineContext ctx, Shadow d) {
        beforeGossip(ctx, d);
        for (int i = 0; i < 4096; i++) {
            Optional<Outbound> o = d.nextGossip();
            if (o.isEmpty()) {
                return;
            }
            sent(ctx, o.get().request());
            ctx.send(o.get().peer(), o.get().request(), 0);
        }
    }

    @Override
    public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
        if (!active(ctx)) {
            return null;
        }
        byte[] r = decider(ctx).answer(from, request);
        return r == null ? null : twist(ctx, from, r);
    }

    @Override
    public void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response) {
        if (!active(ctx)) {
            return;
        }
        Shadow d = decider(ctx);
        d.absorb(from, response);
        send(ctx, d);
    }

    @Override
    public void onRequestFailed(ByzantineContext ctx, NodeId peer, int tag) {
        decider(ctx).requestFailed(peer);
    }
}
