package dev.bftkit.conformance.adversary;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Decider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The standard Byzantine behaviours. They work on bytes and on honest Deciders run with the faulty node's key, so
 * they apply to any algorithm.
 */
public final class Behaviours {
    private Behaviours() {
    }

    /** {@return a node that never answers and never asks} */
    public static Behaviour silent() {
        return new Behaviour() {
            @Override
            public String name() {
                return "silent";
            }

            @Override
            public void onPhase(ByzantineContext ctx) {
            }

            @Override
            public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
                return null;
            }

            @Override
            public void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response) {
            }
        };
    }

    /**
     * {@return a node that behaves honestly until {@code atMs}, then falls silent for good}
     *
     * @param atMs when to stop
     */
    public static Behaviour crashAt(long atMs) {
        return new ShadowBehaviour("crash@" + atMs) {
            @Override
            protected boolean active(ByzantineContext ctx) {
                return ctx.now() < atMs;
            }
        };
    }

    /**
     * Equivocating twins: two honest Deciders share the node's key, each with its own proposal, each serving one
     * side of the committee (the Twins method). As a leader they sign two different messages for one tick.
     *
     * @param sideA the node indexes served by the first twin; everyone else talks to the second
     * @return the behaviour
     */
    public static Behaviour twins(Set<Integer> sideA) {
        return copies(List.of(sideA));
    }

    /**
     * Twins generalised to k copies: k = {@code groups.size() + 1} honest Deciders share the node's key, each with
     * its own proposal; copy j serves the node indexes of {@code groups.get(j)} and the last copy serves everyone
     * else. As a leader they sign k different messages for one tick, and as voters k votes.
     *
     * @param groups the node indexes each copy but the last serves (an index in several groups is served by the
     *     first); at most 25 groups
     * @return the behaviour, named {@code twins} for two copies and {@code copies-k} otherwise
     */
    public static Behaviour copies(List<Set<Integer>> groups) {
        List<Set<Integer>> g = new ArrayList<>();
        for (Set<Integer> s : groups) {
            g.add(Set.copyOf(s));
        }
        if (g.size() > 25) {
            throw new IllegalArgumentException("at most 26 copies");
        }
        int k = g.size() + 1;
        return new Behaviour() {
            @Override
            public String name() {
                return k == 2 ? "twins" : "copies-" + k;
            }

            private int copyFor(ByzantineContext ctx, NodeId peer) {
                int i = ctx.indexOf(peer);
                for (int j = 0; j < g.size(); j++) {
                    if (g.get(j).contains(i)) {
                        return j;
                    }
                }
                return k - 1;
            }

            private Shadow copy(ByzantineContext ctx, int j) {
                return ctx.decider("twin-" + (char) ('a' + j), ctx.instance());
            }

            @Override
            public void onPhase(ByzantineContext ctx) {
                for (int j = 0; j < k; j++) {
                    Shadow d = copy(ctx, j);
                    d.tick();
                    int mine = j;
                    drain(ctx, d, j, peer -> copyFor(ctx, peer) == mine);
                }
            }

            @Override
            public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
                return copy(ctx, copyFor(ctx, from)).answer(from, request);
            }

            @Override
            public void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response) {
                Shadow d = copy(ctx, tag);
                d.absorb(from, response);
                drain(ctx, d, tag, peer -> copyFor(ctx, peer) == tag);
            }

            @Override
            public void onRequestFailed(ByzantineContext ctx, NodeId peer, int tag) {
                copy(ctx, tag).requestFailed(peer);
            }
        };
    }

    /** {@return an honest node that flips one random byte (past the header) of every response it gives} */
    public static Behaviour forger() {
        return new ShadowBehaviour("forger") {
            @Override
            protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
                if (response.length <= 2) {
                    return response;
                }
                byte[] out = response.clone();
                int at = 2 + (int) Long.remainderUnsigned(ctx.nextLong(), out.length - 2);
                out[at] ^= (byte) (1 + Long.remainderUnsigned(ctx.nextLong(), 255));
                return out;
            }
        };
    }

    /** {@return a node that answers and asks with random bytes of random length (0 to 4 KiB)} */
    public static Behaviour garbage() {
        return new Behaviour() {
            @Override
            public String name() {
                return "garbage";
            }

            private byte[] junk(ByzantineContext ctx) {
                byte[] b = new byte[(int) Long.remainderUnsigned(ctx.nextLong(), 4097)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) ctx.nextLong();
                }
                return b;
            }

            @Override
            public void onPhase(ByzantineContext ctx) {
                for (NodeId p : ctx.peers()) {
                    ctx.send(p, junk(ctx), 0);
                }
            }

            @Override
            public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
                return junk(ctx);
            }

            @Override
            public void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response) {
            }
        };
    }

    /** {@return an honest node whose responses are cut short at a random point} */
    public static Behaviour truncating() {
        return new ShadowBehaviour("truncating") {
            @Override
            protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
                return response.length == 0 ? response
                        : Arrays.copyOf(response, (int) Long.remainderUnsigned(ctx.nextLong(), response.length));
            }
        };
    }

    /**
     * {@return an honest node whose responses are padded far past any sane size (1 MiB of trailing bytes, or a length
     * field claiming 2 GiB)}
     */
    public static Behaviour oversized() {
        return new ShadowBehaviour("oversized") {
            @Override
            protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
                if ((ctx.nextLong() & 1) == 0) {
                    return Arrays.copyOf(response, response.length + (1 << 20));
                }
                byte[] out = Arrays.copyOf(response, Math.max(response.length, 6));
                out[2] = 0x7f;
                out[3] = (byte) 0xff;
                out[4] = (byte) 0xff;
                out[5] = (byte) 0xff;
                return out;
            }
        };
    }

    /**
     * {@return a node that runs honest Deciders on four other instances with its own key and answers requests with
     * those instances' (validly signed) messages in turn}
     */
    public static Behaviour replayer() {
        List<String> instances = List.of("replay-0", "replay-1", "replay-2", "replay-3");
        return new Rotating("replayer", instances.size()) {
            @Override
            Shadow variant(ByzantineContext ctx, int k) {
                return ctx.decider(instances.get(k), InstanceId.of((instances.get(k) + "-" + ctx.instance())
                        .getBytes(StandardCharsets.UTF_8)));
            }
        };
    }

    /**
     * {@return an honest node that also floods its peers with valid-looking requests}
     *
     * @param perPhase how many extra requests to send to random peers each phase
     */
    public static Behaviour flooder(int perPhase) {
        return new ShadowBehaviour("flooder") {
            private byte[] last;

            @Override
            protected void sent(ByzantineContext ctx, byte[] request) {
                last = request;
            }

            @Override
            public void onPhase(ByzantineContext ctx) {
                super.onPhase(ctx);
                if (last != null) {
                    for (int i = 0; i < perPhase; i++) {
                        NodeId p = ctx.peers().get((int) Long.remainderUnsigned(ctx.nextLong(), ctx.peers().size()));
                        ctx.send(p, last, 0);
                    }
                }
            }
        };
    }

    /**
     * {@return an honest node that answers only some peers and withholds from the rest}
     *
     * @param served the node indexes it answers
     */
    public static Behaviour withholding(Set<Integer> served) {
        Set<Integer> s = Set.copyOf(served);
        return new ShadowBehaviour("withholding") {
            @Override
            public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
                return s.contains(ctx.indexOf(from)) ? super.onRequest(ctx, from, request) : null;
            }
        };
    }

    /**
     * A node that answers every pull, so no peer finds it unreachable, but starves some peers of everything it
     * learns or signs after their first pull: it runs an honest Decider with its key and serves most peers
     * normally, but answers each pull of a starved peer with the first answer it ever gave that peer. The answer is
     * valid (the honest Decider made it), never an error or silence, only stale. The starved peers must get its later
     * messages (as a leader, its proposals) from the peers it serves, which must pass them on even though their
     * author answers.
     *
     * @param starved the node indexes it starves
     * @return the behaviour
     */
    public static Behaviour stale(Set<Integer> starved) {
        Set<Integer> s = Set.copyOf(starved);
        return new ShadowBehaviour("stale") {
            private final Map<NodeId, byte[]> first = new HashMap<>(); // looked up by key only, never iterated

            @Override
            public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
                byte[] fresh = super.onRequest(ctx, from, request); // the Decider still hears the request
                if (fresh == null || !s.contains(ctx.indexOf(from))) {
                    return fresh;
                }
                return first.computeIfAbsent(from, k -> fresh).clone();
            }
        };
    }

    /**
     * {@return an honest node whose clock runs {@code every} times slower than everyone else's}
     *
     * @param every run one phase in this many
     */
    public static Behaviour lagging(int every) {
        return new ShadowBehaviour("lagging") {
            private long phases;

            @Override
            public void onPhase(ByzantineContext ctx) {
                if (phases++ % every == 0) {
                    super.onPhase(ctx);
                }
            }
        };
    }

    /**
     * A node configured differently from the committee (for example with other leader schedules), so it signs
     * messages it is not entitled to; an honest node must reject them and can prove the misbehaviour. It runs one
     * Decider per configuration and answers requests from each in turn, so that some configuration gives it the
     * chance to misbehave early.
     *
     * @param variants option sets, each replacing the committee's options
     * @return the behaviour
     */
    public static Behaviour misconfigured(List<Map<String, String>> variants) {
        List<Map<String, String>> opts = List.copyOf(variants);
        return new Rotating("misconfigured", opts.size()) {
            @Override
            Shadow variant(ByzantineContext ctx, int k) {
                return ctx.decider("misconfigured-" + k, ctx.instance(), opts.get(k));
            }
        };
    }

    /** Several honest Deciders with one key: all tick, each pulls for itself, requests are answered in turn. */
    abstract static class Rotating implements Behaviour {
        private final String name;
        private final int count;
        private long answered;

        Rotating(String name, int count) {
            this.name = name;
            this.count = count;
        }

        abstract Shadow variant(ByzantineContext ctx, int k);

        @Override
        public String name() {
            return name;
        }

        @Override
        public void onPhase(ByzantineContext ctx) {
            for (int k = 0; k < count; k++) {
                Shadow d = variant(ctx, k);
                d.tick();
                drain(ctx, d, k, peer -> true);
            }
        }

        @Override
        public byte[] onRequest(ByzantineContext ctx, NodeId from, byte[] request) {
            return variant(ctx, (int) (answered++ % count)).answer(from, request);
        }

        @Override
        public void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response) {
            Shadow d = variant(ctx, tag);
            d.absorb(from, response);
            drain(ctx, d, tag, peer -> true);
        }

        @Override
        public void onRequestFailed(ByzantineContext ctx, NodeId peer, int tag) {
            variant(ctx, tag).requestFailed(peer);
        }
    }

    /**
     * {@return the standard behaviour called {@code name}; {@code flooder} sends 20 extra requests a phase and
     * {@code lagging} runs one phase in 3}
     *
     * @param name a name from {@link #names()}
     * @param sideA for twins: the node indexes the first twin serves; for withholding: the indexes served; for stale:
     *     the indexes starved
     * @throws IllegalArgumentException if no standard behaviour has that name
     */
    public static Behaviour byName(String name, Set<Integer> sideA) {
        return switch (name) {
            case "silent" -> silent();
            case "twins" -> twins(sideA);
            case "forger" -> forger();
            case "garbage" -> garbage();
            case "truncating" -> truncating();
            case "oversized" -> oversized();
            case "replayer" -> replayer();
            case "flooder" -> flooder(20);
            case "withholding" -> withholding(sideA);
            case "stale" -> stale(sideA);
            case "lagging" -> lagging(3);
            default -> throw new IllegalArgumentException("unknown behaviour '" + name + "'; known: " + names());
        };
    }

    /** {@return the names {@link #byName} knows} */
    public static List<String> names() {
        return List.of("silent", "twins", "forger", "garbage", "truncating", "oversized", "replayer",
                "flooder", "withholding", "stale", "lagging");
    }

    interface PeerFilter {
        boolean allows(NodeId peer);
    }

    static void drain(ByzantineContext ctx, Shadow d, int tag, PeerFilter filter) {
        for (int i = 0; i < 4096; i++) {
            Optional<Outbound> o = d.nextGossip();
            if (o.isEmpty()) {
                return;
            }
            if (filter.allows(o.get().peer())) {
                ctx.send(o.get().peer(), o.get().request(), tag);
            } else {
                d.requestFailed(o.get().peer());
            }
        }
    }
}
