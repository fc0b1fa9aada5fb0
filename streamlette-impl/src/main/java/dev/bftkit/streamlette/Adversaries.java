package dev.bftkit.streamlette;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.adversary.ByzantineContext;
import dev.bftkit.conformance.adversary.Shadow;
import dev.bftkit.conformance.adversary.ShadowBehaviour;
import dev.bftkit.streamlette.Message.Proposal;
import dev.bftkit.streamlette.Message.Solicit;
import dev.bftkit.streamlette.Message.Vote;
import dev.bftkit.streamlette.MessageTree.Entry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Streamlette's own Byzantine strategies, for the conformance kit. Each faulty member runs an honest Streamlette with
 * its own key as its shadow, so it keeps up with the committee, and signs with that key whatever the strategy needs:
 * <ul>
 *   <li>{@code variants}: as leader, many versions of its message for its tick, each with its own vote, a
 *       different one first to each asker;</li>
 *   <li>{@code early}: as leader of the next tick, its message for that tick before the tick begins;</li>
 *   <li>{@code fork-votes}: votes for every leader message of its recent ticks, so every fork an equivocating leader
 *       makes gets the faulty weight (with twins leaders, exactly the threshold where honest votes split);</li>
 *   <li>{@code late-reveal}: as leader, shows its message to half the honest members only, and to the rest only once
 *       its tick is over and it has seen a vote for it.</li>
 * </ul>
 * Public for the {@code consensus} command's fuzzer ({@link dev.bftkit.streamlette.adversary.StreamletteAdversaries});
 * this package is not exported.
 */
public final class Adversaries {
    /** New versions of its leader message the {@code variants} strategy signs each phase. */
    static final int VARIANTS_PER_PHASE = 32;
    /** The most versions the {@code variants} strategy signs for one tick. */
    static final int VARIANTS_PER_TICK = 4096;
    /** Versions (each with its vote) in one response of the {@code variants} strategy, a different window each. */
    static final int PER_RESPONSE = 512;

    private Adversaries() {
    }

    /** {@return every strategy, in a fixed order} */
    public static List<Adversary> all() {
        return List.of(
                new Adversary("variants", "as leader, signs many versions of its message for its tick ("
                        + VARIANTS_PER_PHASE + " a phase, up to " + VARIANTS_PER_TICK + "), every eighth with a 4 KiB"
                        + " value, votes for each, and hands each asker " + PER_RESPONSE + " of them with their votes,"
                        + " a different window each time",
                        (node, targets) -> new Variants(), false, false),
                new Adversary("early", "as leader of the next tick, signs its message for that tick while the"
                        + " current one runs and hands it out at once",
                        (node, targets) -> new Early(), true, false),
                new Adversary("fork-votes", "votes for every leader message of its last three ticks, every fork an"
                        + " equivocating leader made included",
                        (node, targets) -> new ForkVotes(), false, false),
                new Adversary("late-reveal", "as leader, shows its message to half the honest members, and to the"
                        + " rest only once its tick is over and it has seen a vote for it",
                        (node, targets) -> new LateReveal(targets), false, false));
    }

    /** An honest Streamlette with the faulty member's key, plus what the strategy signs or withholds. */
    private abstract static class Twisted extends ShadowBehaviour {
        Twisted(String name) {
            super(name);
        }

        StreamletteDecider shadow(ByzantineContext ctx) {
            return (StreamletteDecider) decider(ctx).decider();
        }

        boolean leads(ByzantineContext ctx, long tick) {
            return shadow(ctx).leaders().leader(tick).equals(ctx.self());
        }

        static byte[] sign(ByzantineContext ctx, Message unsigned) {
            return Wire.encode(Wire.signed(ctx.key(), ctx.crypto(), unsigned));
        }

        static byte[] hash(ByzantineContext ctx, byte[] encoded, int maxBody) {
            return Wire.contentHash(ctx.crypto(), Wire.decode(encoded, maxBody, ctx.crypto().hashLength()));
        }

        /** The shadow's diff as its messages (the shadow made it, so it decodes). */
        static List<byte[]> messages(byte[] diff) {
            try {
                return new ArrayList<>(Wire.decodeDiff(diff, Integer.MAX_VALUE, Integer.MAX_VALUE));
            } catch (InvalidMessageException e) {
                return new ArrayList<>();
            }
        }
    }

    /** Many versions of its leader message, each with its own vote. */
    private static final class Variants extends Twisted {
        private final List<byte[]> versions = new ArrayList<>();
        private final List<byte[]> votes = new ArrayList<>();
        private long tick = -1;
        private int asked;

        Variants() {
            super("variants");
        }

        @Override
        protected void beforeGossip(ByzantineContext ctx, Shadow d) {
            long t = shadow(ctx).currentTick();
            if (!leads(ctx, t)) {
                return;
            }
            if (t != tick) {
                versions.clear();
                votes.clear();
                tick = t;
            }
            InstanceId instance = ctx.instance();
            for (int k = 0; k < VARIANTS_PER_PHASE && versions.size() < VARIANTS_PER_TICK; k++) {
                int made = versions.size();
                String label = "variant-" + t + "-" + made + (made % 8 == 0 ? "-" + "x".repeat(4096) : "");
                byte[] version = sign(ctx, new Proposal(instance, t, ctx.proposal(label), ctx.self(), new byte[0]));
                byte[] target = hash(ctx, version, Integer.MAX_VALUE);
                versions.add(version);
                votes.add(sign(ctx, new Vote(instance, target, ctx.self(), new byte[0])));
            }
        }

        @Override
        protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
            if (versions.isEmpty()) {
                return response;
            }
            List<byte[]> out = messages(response);
            int start = Math.floorMod(ctx.indexOf(from) * 7 + asked++ * PER_RESPONSE, versions.size());
            int count = Math.min(PER_RESPONSE, versions.size());
            for (int k = 0; k < count; k++) {
                out.add(versions.get((start + k) % versions.size()));
            }
            for (int k = 0; k < count; k++) {
                out.add(votes.get((start + k) % votes.size()));
            }
            return Wire.diff(out);
        }
    }

    /** Its leader message for the next tick, signed and handed out while the current tick runs. */
    private static final class Early extends Twisted {
        Early() {
            super("early");
        }

        @Override
        protected void beforeGossip(ByzantineContext ctx, Shadow d) {
            StreamletteDecider s = shadow(ctx);
            long next = s.currentTick() + 1;
            if (!leads(ctx, next) || s.tree().hasLeaderMessage(next, ctx.self())) {
                return;
            }
            List<Entry> tips = s.tree().lncTips();
            Message unsigned = tips.isEmpty()
                    ? new Proposal(ctx.instance(), next, ctx.proposal("early-" + next), ctx.self(), new byte[0])
                    : new Solicit(ctx.instance(), next, tips.get(0).key.bytes(), ctx.self(), new byte[0]);
            s.signAndStore(unsigned);
        }
    }

    /** A vote for every leader message of its last three ticks. */
    private static final class ForkVotes extends Twisted {
        private final Set<Key> votedFor = new HashSet<>(); // looked up only, never iterated

        ForkVotes() {
            super("fork-votes");
        }

        @Override
        protected void beforeGossip(ByzantineContext ctx, Shadow d) {
            StreamletteDecider s = shadow(ctx);
            long t = s.currentTick();
            for (Entry e : s.tree().leaderMessagesBetween(t - 3, t)) {
                if (!e.votes.containsKey(ctx.self()) && votedFor.add(e.key)) {
                    s.signAndStore(new Vote(ctx.instance(), e.key.bytes(), ctx.self(), new byte[0]));
                }
            }
        }
    }

    /** Its leader message to half the honest members, to the rest only late. */
    private static final class LateReveal extends Twisted {
        private final Set<Integer> shownFirst;

        LateReveal(Set<Integer> shownFirst) {
            super("late-reveal");
            this.shownFirst = Set.copyOf(shownFirst);
        }

        @Override
        protected byte[] twist(ByzantineContext ctx, NodeId from, byte[] response) {
            if (shownFirst.contains(ctx.indexOf(from))) {
                return response;
            }
            StreamletteDecider s = shadow(ctx);
            Set<Key> hidden = new HashSet<>(); // looked up only, never iterated
            List<byte[]> out = new ArrayList<>();
            for (byte[] encoded : messages(response)) {
                Message m = Wire.decode(encoded, s.maxBody(), ctx.crypto().hashLength());
                Key key = new Key(Wire.contentHash(ctx.crypto(), m));
                Entry e = s.tree().get(key);
                if (m instanceof Vote v && hidden.contains(new Key(v.target()))
                        || e != null && m.source().equals(ctx.self()) && !revealed(ctx, s, e)) {
                    hidden.add(key);
                    continue;
                }
                out.add(encoded);
            }
            return Wire.diff(out);
        }

        /** Revealed once its tick is over and someone else voted for it. */
        private static boolean revealed(ByzantineContext ctx, StreamletteDecider s, Entry e) {
            return s.currentTick() > e.tick && e.votes.keySet().stream().anyMatch(v -> !v.equals(ctx.self()));
        }
    }
}
