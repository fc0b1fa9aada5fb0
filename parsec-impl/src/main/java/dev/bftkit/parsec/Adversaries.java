package dev.bftkit.parsec;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.adversary.ByzantineContext;
import dev.bftkit.conformance.adversary.Shadow;
import dev.bftkit.conformance.adversary.ShadowBehaviour;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * PARSEC's own Byzantine strategies, for the conformance kit. Each faulty member runs an honest PARSEC with its own
 * key as its shadow, so it keeps up with the committee, and signs with that key whatever the strategy needs:
 * <ul>
 *   <li>{@code forks}: every few phases, {@value #BRANCHES} events with the same self-parent (its latest event), two
 *       of them votes for values of its own, each branch shown first to its own part of the committee as the last
 *       event of an answer, so that part builds on it;</li>
 *   <li>{@code fork-flood}: {@value #FLOOD_PER_PHASE} siblings of its latest event a phase (up to
 *       {@value #FLOOD_MAX}), {@value #FLOOD_PER_RESPONSE} of them in every answer;</li>
 *   <li>{@code false-accusations}: accuses every other member of every malice kind the detector knows, with that
 *       member's real events from its graph ({@link FalseAccusations});</li>
 *   <li>{@code withheld-parents}: hands out its own events only {@value #LATE_PHASES} phases after it signed them,
 *       the newest at once (so it arrives before its parents), and to half the honest members never those at odd
 *       indexes, so what it builds on them never arrives from it;</li>
 *   <li>{@code removed-peer}: forks once so that the committee accuses and removes it, and from then on signs
 *       events that do not descend from its removal (votes to remove honest members), besides relaying, all along,
 *       events signed by a key that is no member's.</li>
 * </ul>
 * The kit's committee is fixed: no honest member ever votes a member out, so the removed peer is one that PARSEC's
 * own malice detection removes. Public for the {@code consensus} command ({@link
 * dev.bftkit.parsec.adversary.ParsecAdversaries}); this package is not exported.
 */
public final class Adversaries {
    /** Branches of the {@code forks} strategy at each fork point. */
    static final int BRANCHES = 3;
    /** Phases between two fork points of the {@code forks} strategy. */
    static final int FORK_EVERY = 3;
    /** Siblings the {@code fork-flood} strategy signs each phase. */
    static final int FLOOD_PER_PHASE = 1024;
    /**
     * The most siblings the {@code fork-flood} strategy signs: more than the footprint bound allows all other
     * creators together at n = 4, so a node that took every sibling it is handed passes its bound within the rule's
     * run ({@code MutationTest}'s "unbounded forks").
     */
    static final int FLOOD_MAX = 32768;
    /** Siblings in one answer of the {@code fork-flood} strategy, a different window each time. */
    static final int FLOOD_PER_RESPONSE = 2048;
    /** Phases the {@code withheld-parents} strategy holds its own events back. */
    static final int LATE_PHASES = 3;

    private Adversaries() {
    }

    /** @return the bytes of an event of {@code key}'s with that content, signed with it for the instance */
    static byte[] seal(Crypto crypto, InstanceId instance, SigningKey key, ParsecCore.Content c) {
        byte[] content = WireCodec.encodeContent(c);
        byte[] hash = crypto.hash(content);
        return WireCodec.encodeEvent(content, key.sign(WireCodec.eventSigningBytes(instance, hash)));
    }

    /** @return a vote of {@code key}'s for {@code o} with that self-parent (hash and index by creator), as bytes */
    static byte[] vote(Crypto crypto, InstanceId instance, SigningKey key, byte[] selfParent, int index,
                       Observation o) {
        byte[] voteSignature = key.sign(WireCodec.voteSigningBytes(instance,
                crypto.hash(WireCodec.encodeObservation(o))));
        return seal(crypto, instance, key, new ParsecCore.Content(key.publicKey().nodeId(), Cause.OBSERVATION,
                selfParent, null, null, o, voteSignature, index));
    }

    /** {@return every strategy, in a fixed order} */
    public static List<Adversary> all() {
        return List.of(
                new Adversary("forks", "every " + FORK_EVERY + " phases signs " + BRANCHES + " events with the same"
                        + " self-parent, votes for values of its own, and shows each branch first to its own part of"
                        + " the committee, which builds on it", (node, targets) -> new Forks(targets), false, true),
                new Adversary("fork-flood", "signs " + FLOOD_PER_PHASE + " siblings of its latest event a phase (up"
                        + " to " + FLOOD_MAX + ") and hands " + FLOOD_PER_RESPONSE + " of them to every asker",
                        (node, targets) -> new ForkFlood(), false, true),
                new Adversary("false-accusations", "accuses every other member of every malice kind, with that"
                        + " member's real events", (node, targets) -> new FalseAccuser(), false, true),
                new Adversary("withheld-parents", "hands out its events " + LATE_PHASES + " phases late, the newest"
                        + " before its parents, and to half the honest members never those at odd indexes",
                        (node, targets) -> new WithheldParents(targets), true, false),
                new Adversary("removed-peer", "forks once to be removed, then signs events that do not descend from"
                        + " its removal; relays events signed by a key that is no member's",
                        (node, targets) -> new RemovedPeer(), false, true));
    }

    /** An honest PARSEC with the faulty member's key, plus what the strategy signs or withholds. */
    private abstract static class Twisted extends ShadowBehaviour {
        long phase;

        Twisted(String name) {
            super(name);
        }

        @Override
        public void onPhase(ByzantineContext ctx) {
            phase++;
            super.onPhase(ctx);
        }

        ParsecDecider shadow(ByzantineContext ctx) {
            return (ParsecDecider) decider(ctx).decider();
        }

        ParsecCore core(ByzantineContext ctx) {
            return shadow(ctx).core();
        }

        /** @return our latest event, or null before the first */
        Event last(ByzantineContext ctx) {
            int last = core(ctx).peers.our().lastEvent();
            return last < 0 ? null : core(ctx).graph.get(last);
        }

        static byte[] seal(ByzantineContext ctx, SigningKey key, ParsecCore.Content c) {
            return Adversaries.seal(ctx.crypto(), ctx.instance(), key, c);
        }

        static byte[] vote(ByzantineContext ctx, SigningKey key, byte[] selfParent, int index, Observation o) {
            return Adversaries.vote(ctx.crypto(), ctx.instance(), key, selfParent, index, o);
        }

        /** @return a vote of ours with {@code parent} as self-parent */
        static byte[] vote(ByzantineContext ctx, Event parent, Observation o) {
            return vote(ctx, ctx.key(), parent.hash, parent.indexByCreator + 1, o);
        }

        static WireCodec.Limits unlimited(ByzantineContext ctx) {
            return new WireCodec.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, ctx.crypto().hashLength());
        }

        /** @return the events of a message our shadow made, as bytes */
        static List<byte[]> events(ByzantineContext ctx, byte[] message, int kind) {
            try {
                return new ArrayList<>(WireCodec.decodeMessage(message, kind, ctx.instance(), unlimited(ctx)));
            } catch (InvalidMessageException e) {
                return new ArrayList<>();
            }
        }

        static Incoming decode(ByzantineContext ctx, byte[] wire) {
            return WireCodec.decodeEvent(wire, unlimited(ctx), ctx.crypto()::hash);
        }

        static byte[] message(ByzantineContext ctx, int kind, List<byte[]> events) {
            return WireCodec.encodeMessage(kind, ctx.instance(), events);
        }

        static Observation.Opaque value(ByzantineContext ctx, String label) {
            return new Observation.Opaque(ctx.proposal(label));
        }
    }

    /** {@value #BRANCHES} branches at chosen points, each shown first to its own part of the committee. */
    private static final class Forks extends Twisted {
        private final Set<Integer> targets;
        private final List<byte[]> branches = new ArrayList<>();
        private final List<Integer> partOf = new ArrayList<>();
        private final Set<String> given = new HashSet<>(); // looked up only, never iterated
        private int forkedAt = -1;

        Forks(Set<Integer> targets) {
            super("forks");
            this.targets = Set.copyOf(targets);
        }

        /** Part 0 sees our own continuation first, parts 1 and 2 a branch each. */
        private int part(int index) {
            return targets.contains(index) ? 1 : index % 2 == 0 ? 2 : 0;
        }

        @Override
        protected void beforeGossip(ByzantineContext ctx, Shadow d) {
            Event last = last(ctx);
            if (phase % FORK_EVERY != 0 || last == null || last.indexByCreator <= forkedAt) {
                return;
            }
            forkedAt = last.indexByCreator;
            for (int j = 1; j < BRANCHES; j++) {
                branches.add(vote(ctx, last, value(ctx, "fork-" + last.indexByCreator + "-" + j)));
                partOf.add(j);
            }
        }

        @Override
        protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
            int asker = ctx.indexOf(from);
            List<byte[]> out = events(ctx, response, WireCodec.KIND_RESPONSE);
            for (int b = 0; b < branches.size(); b++) {
                if (partOf.get(b) == part(asker) && given.add(b + "#" + asker)) {
                    out.add(branches.get(b));
                }
            }
            return message(ctx, WireCodec.KIND_RESPONSE, out);
        }
    }

    /** Many siblings of its latest event, a window of them in every answer. */
    private static final class ForkFlood extends Twisted {
        private final List<byte[]> siblings = new ArrayList<>();
        private int asked;

        ForkFlood() {
            super("fork-flood");
        }

        @Override
        protected void beforeGossip(ByzantineContext ctx, Shadow d) {
            Event last = last(ctx);
            for (int k = 0; last != null && k < FLOOD_PER_PHASE && siblings.size() < FLOOD_MAX; k++) {
                byte[] info = ("flood-" + siblings.size()).getBytes(StandardCharsets.UTF_8);
                siblings.add(vote(ctx, last, new Observation.Remove(ctx.self(), info)));
            }
        }

        @Override
        protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
            if (siblings.isEmpty()) {
                return response;
            }
            List<byte[]> out = events(ctx, response, WireCodec.KIND_RESPONSE);
            int start = Math.floorMod(ctx.indexOf(from) * 7 + asked++ * FLOOD_PER_RESPONSE, siblings.size());
            for (int k = 0; k < Math.min(FLOOD_PER_RESPONSE, siblings.size()); k++) {
                out.add(siblings.get((start + k) % siblings.size()));
            }
            return message(ctx, WireCodec.KIND_RESPONSE, out);
        }
    }

    /** Accuses every other member of every kind of malice, with that member's real events. */
    private static final class FalseAccuser extends Twisted {
        private final Set<String> done = new HashSet<>(); // looked up only, never iterated

        FalseAccuser() {
            super("false-accusations");
        }

        @Override
        protected void beforeGossip(ByzantineContext ctx, Shadow d) {
            ParsecCore core = core(ctx);
            if (last(ctx) == null) {
                return;
            }
            List<FalseAccusations.Case> cases = new ArrayList<>(FalseAccusations.disprovable());
            cases.addAll(FalseAccusations.open());
            boolean signed = false;
            for (int p = 1; p < core.peers.size(); p++) {
                int other = p == 1 ? 2 : 1;
                FalseAccusations.Evidence ev = other < core.peers.size()
                        ? FalseAccusations.Evidence.of(core, p, other) : null;
                for (int k = 0; ev != null && k < cases.size(); k++) {
                    if (done.add(p + "#" + k)) {
                        try {
                            core.addOwnObservationEvent(new Observation.Accusation(core.peers.get(p).id,
                                    cases.get(k).malice().apply(ev)));
                            signed = true;
                        } catch (ParsecError e) {
                            // removed: nothing more to sign
                        }
                    }
                }
            }
            if (signed) {
                d.add(shadow(ctx).signed());
            }
        }
    }

    /** Its own events handed out late (the newest first), and some never to half the honest members. */
    private static final class WithheldParents extends Twisted {
        private final Set<Integer> starved;
        private final Map<ByteBuffer, Long> signedAt = new HashMap<>(); // looked up only, never iterated

        WithheldParents(Set<Integer> starved) {
            super("withheld-parents");
            this.starved = Set.copyOf(starved);
        }

        @Override
        public void onPhase(ByzantineContext ctx) {
            phase++;
            Shadow d = decider(ctx);
            d.tick();
            drain(ctx, d);
        }

        @Override
        public void onResponse(ByzantineContext ctx, NodeId from, int tag, byte[] response) {
            Shadow d = decider(ctx);
            d.absorb(from, response);
            drain(ctx, d);
        }

        private void drain(ByzantineContext ctx, Shadow d) {
            for (Optional<Outbound> o = d.nextGossip(); o.isPresent(); o = d.nextGossip()) {
                ctx.send(o.get().peer(), withhold(ctx, o.get().peer(), o.get().request(), WireCodec.KIND_REQUEST), 0);
            }
        }

        @Override
        protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
            return withhold(ctx, from, response, WireCodec.KIND_RESPONSE);
        }

        private byte[] withhold(ByzantineContext ctx, NodeId to, byte[] message, int kind) {
            List<byte[]> in = events(ctx, message, kind);
            int newest = -1;
            for (int i = 0; i < in.size(); i++) {
                if (decode(ctx, in.get(i)).creator().equals(ctx.self())) {
                    newest = i;
                }
            }
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < in.size(); i++) {
                Incoming e = decode(ctx, in.get(i));
                if (e.creator().equals(ctx.self()) && i != newest && withheld(ctx, to, e)) {
                    continue;
                }
                out.add(in.get(i));
            }
            return message(ctx, kind, out);
        }

        private boolean withheld(ByzantineContext ctx, NodeId to, Incoming e) {
            long at = signedAt.computeIfAbsent(ByteBuffer.wrap(e.hash()), h -> phase);
            int index = core(ctx).graph.indexOf(e.hash());
            boolean odd = index >= 0 && core(ctx).graph.get(index).indexByCreator % 2 == 1;
            return phase - at < LATE_PHASES || starved.contains(ctx.indexOf(to)) && odd;
        }
    }

    /** Forks once to be removed, then signs events that do not descend from its removal; relays a non-member's. */
    private static final class RemovedPeer extends Twisted {
        private final List<byte[]> extra = new ArrayList<>();
        private List<byte[]> outsider;
        private byte[] chainHash;
        private int chainIndex = -1;
        private int signed;

        RemovedPeer() {
            super("removed-peer");
        }

        @Override
        protected void beforeGossip(ByzantineContext ctx, Shadow d) {
            ParsecCore core = core(ctx);
            Event last = last(ctx);
            if (last == null) {
                return;
            }
            if (outsider == null) {
                outsider = outsiderEvents(ctx);
            }
            if (extra.isEmpty() && last.indexByCreator >= 2) {
                extra.add(vote(ctx, last, removal(ctx, 0)));
                return;
            }
            Peer self = core.peers.our();
            if (self.removalEvent < 0 || signed >= 64) {
                return;
            }
            if (chainHash == null) {
                Event from = last;
                Event removal = core.graph.get(self.removalEvent);
                while (from != null && from.isDescendantOf(removal)) {
                    from = from.selfParent < 0 ? null : core.graph.get(from.selfParent);
                }
                if (from == null) {
                    return;
                }
                chainHash = from.hash;
                chainIndex = from.indexByCreator;
            }
            byte[] next = vote(ctx, ctx.key(), chainHash, chainIndex + 1, removal(ctx, ++signed));
            extra.add(next);
            chainHash = decode(ctx, next).hash();
            chainIndex++;
        }

        /** A vote to remove an honest-looking member: the first other member, with a counter. */
        private static Observation removal(ByzantineContext ctx, int k) {
            return new Observation.Remove(ctx.peers().get(0), ("removed-peer-" + k).getBytes(StandardCharsets.UTF_8));
        }

        /** An Initial event and a Genesis vote signed by a key that is no member's. */
        private static List<byte[]> outsiderEvents(ByzantineContext ctx) {
            byte[] seed = ctx.crypto().hash(("outsider-" + ctx.index()).getBytes(StandardCharsets.UTF_8));
            SigningKey key = ctx.crypto().keyFromSeed(java.util.Arrays.copyOf(seed, ctx.crypto().seedLength()));
            byte[] initial = seal(ctx, key, new ParsecCore.Content(key.publicKey().nodeId(), Cause.INITIAL, null,
                    null, null, null, new byte[0], 0));
            return List.of(initial, vote(ctx, key, decode(ctx, initial).hash(), 1, new Observation.Genesis(
                    List.copyOf(new java.util.TreeSet<>(ctx.committee().members())), new byte[0])));
        }

        @Override
        protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
            List<byte[]> out = events(ctx, response, WireCodec.KIND_RESPONSE);
            out.addAll(extra);
            if (outsider != null && phase % 4 == 0) {
                out.addAll(outsider);
            }
            return message(ctx, WireCodec.KIND_RESPONSE, out);
        }
    }
}
