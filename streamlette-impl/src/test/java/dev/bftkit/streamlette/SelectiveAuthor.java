package dev.bftkit.streamlette;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.conformance.adversary.Behaviour;
import dev.bftkit.conformance.adversary.ByzantineContext;
import dev.bftkit.conformance.adversary.Shadow;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Byzantine Streamlette node that runs honestly but gives the messages it authors only to some peers: everyone
 * else gets its answers with those messages taken out, so nobody finds it unreachable. Honest nodes must relay
 * its messages to the rest.
 */
final class SelectiveAuthor implements Behaviour {
    private final Set<Integer> served;

    SelectiveAuthor(Set<Integer> served) {
        this.served = Set.copyOf(served);
    }

    @Override
    public String name() {
        return "selective-author";
    }

    private static Shadow decider(ByzantineContext ctx) {
        return ctx.decider("honest", ctx.instance());
    }

    @Override
    public void onPhase(ByzantineContext ctx) {
        decider(ctx).tick();
        send(ctx);
    }

    private static void send(ByzantineContext ctx) {
        for (Optional<Outbound> o = decider(ctx).nextGossip(); o.isPresent(); o = decider(ctx).nextGossip()) {
            ctx.send(o.get().peer(), o.get().request(), 0);
        }
    }

    @Override
    public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
        byte[] response = decider(ctx).answer(from, request);
        if (response == null) {
            return null;
        }
        if (served.contains(ctx.indexOf(from))) {
            return response;
        }
        List<byte[]> others = Wire.decodeDiff(response, Integer.MAX_VALUE, Integer.MAX_VALUE).stream()
                .filter(m -> !Wire.decode(m, Integer.MAX_VALUE, 32).source().equals(ctx.self())).toList();
        return Wire.diff(others);
    }

    @Override
    public void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response) {
        decider(ctx).absorb(from, response);
        send(ctx);
    }

    @Override
    public void onRequestFailed(ByzantineContext ctx, NodeId peer, int tag) {
        decider(ctx).requestFailed(peer);
    }
}
