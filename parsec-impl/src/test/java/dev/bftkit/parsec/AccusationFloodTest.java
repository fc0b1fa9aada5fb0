package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The accusations waiting for events we lack are bounded per accuser: one accuser that floods accusations naming
 * events nobody has cannot crowd out another's, and the list counts in the footprint and within its bound. Seeded:
 * replay with {@code -Dtest=AccusationFloodTest}.
 */
class AccusationFloodTest {
    /** More accusations than all accusers' shares together hold, at two awaited events each. */
    private static final int FLOOD = MaliceDetector.MAX_AWAITED_PER_ACCUSER * 3 / 2 + 16;

    /**
     * Node 3 sends node 0 a chain of accusations, each naming two events that do not exist; then honest node 1
     * accuses node 3 of a duplicate vote node 0 has not seen yet. Node 0 awaits node 3's named events only up to
     * node 3's share, still awaits node 1's, stays within its footprint bound (which counts the list), and judges
     * node 1's accusation (proven) when node 3's two votes arrive. With one shared cap, node 3's flood would have
     * filled it and node 1's accusation would never be judged.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2})
    void one_accusers_flood_does_not_crowd_out_an_honest_accusation(long seed) {
        TestNetwork net = new TestNetwork(4, seed, Map.of());
        net.submitEverywhere(Set.of("a", "b"));
        NodeId victim = net.node(0);
        NodeId honestAccuser = net.node(1);
        NodeId flooder = net.node(3);
        ParsecDecider node0 = (ParsecDecider) net.decider(victim).decider();
        ParsecCore core = node0.core();
        ParsecCore attacker = ((ParsecDecider) net.decider(flooder).decider()).core();
        for (int s = 0; s < 600 && core.admission.heightCap() < attacker.peers.our().chainLength() + FLOOD + 8; s++) {
            net.submitEverywhere(Set.of("v" + s)); // keeps the gossip, and so honest progress, going
            net.step();
        }
        assertThat(core.admission.heightCap()).as("room for the flood under the height cap")
                .isGreaterThanOrEqualTo(attacker.peers.our().chainLength() + FLOOD + 8);
        Map<Event, AccusationJudge.Verdict> verdicts = new HashMap<>();
        core.malice.verdicts = verdicts::put;
        int flooderIndex = core.peers.indexOf(flooder);
        int accuserIndex = core.peers.indexOf(honestAccuser);
        SigningKey flooderKey = net.keys.get(net.ids.indexOf(flooder));

        Chain flood = new Chain(net, flooder, victim);
        for (int k = 0; k < FLOOD; k++) {
            flood.add(new Observation.Accusation(honestAccuser, Malice.of(Malice.Kind.DUPLICATE_VOTE,
                    TestCrypto.INSTANCE.hash(utf8("none-a-" + k)), TestCrypto.INSTANCE.hash(utf8("none-b-" + k)))));
        }
        net.decider(victim).onRequest(flooder, flood.request());
        assertThat(core.malice.awaitedBy(flooderIndex)).as("node 3's share of the awaited list")
                .isEqualTo(MaliceDetector.MAX_AWAITED_PER_ACCUSER);
        assertWithinBound(node0);

        // node 3's two votes for one observation, which node 0 lacks, and node 1's true accusation of them
        Chain votes = flood;
        Observation.Opaque twice = new Observation.Opaque(utf8("twice"));
        byte[] vote1 = votes.add(twice);
        byte[] vote2 = votes.add(twice);
        Chain accuser = new Chain(net, honestAccuser, victim);
        byte[] accusation = accuser.add(new Observation.Accusation(flooder, Malice.of(Malice.Kind.DUPLICATE_VOTE,
                vote1, vote2)));
        net.decider(victim).onRequest(honestAccuser, accuser.request());
        Event accusationEvent = core.graph.get(core.graph.indexOf(accusation));
        assertThat(verdicts.get(accusationEvent)).as("node 1's accusation, before node 3's votes arrive")
                .isInstanceOf(AccusationJudge.Open.class);
        assertThat(core.malice.awaitedBy(accuserIndex)).as("node 1's awaited events").isEqualTo(2);
        assertWithinBound(node0);

        net.decider(victim).onRequest(flooder, votes.request());
        assertThat(core.graph.contains(vote2)).as("node 3's second vote reached node 0").isTrue();
        assertThat(verdicts.get(accusationEvent)).as("node 1's accusation, judged when node 3's votes arrived")
                .isInstanceOf(AccusationJudge.Proven.class);
        assertThat(core.malice.awaitedBy(accuserIndex)).as("node 1's awaited events afterwards").isZero();
        assertThat(node0.faults().entries()).as("node 0 flags no one for node 1's accusation")
                .noneMatch(f -> f.offender().equals(honestAccuser));
        assertWithinBound(node0);
    }

    /**
     * Events a member signs for node 0 by hand: its gossip to node 0 without the closing Requesting, the events
     * added, then a Requesting to node 0; events added after that chain on.
     */
    private static final class Chain {
        private final TestNetwork net;
        private final SigningKey key;
        private final NodeId to;
        private final List<byte[]> wires = new ArrayList<>();
        private byte[] parent;
        private int index;

        Chain(TestNetwork net, NodeId member, NodeId to) {
            this.net = net;
            this.key = net.keys.get(net.ids.indexOf(member));
            this.to = to;
            ParsecCore core = ((ParsecDecider) net.decider(member).decider()).core();
            Event last = core.graph.get(core.ourLastEvent());
            parent = last.hash;
            index = last.indexByCreator;
            for (Event e : core.eventsToGossipToPeer(core.peers.indexOf(to))) {
                wires.add(e.wire);
            }
        }

        /** Signs a vote on the chain; @return its hash */
        byte[] add(Observation o) {
            return append(Adversaries.vote(TestCrypto.INSTANCE, net.instance, key, parent, ++index, o));
        }

        /** @return a request of the events added since the last, closed by a Requesting to node 0 */
        byte[] request() {
            append(Adversaries.seal(TestCrypto.INSTANCE, net.instance, key, new ParsecCore.Content(
                    key.publicKey().nodeId(), Cause.REQUESTING, parent, null, to, null, new byte[0], ++index)));
            byte[] out = WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance, wires);
            wires.clear();
            return out;
        }

        private byte[] append(byte[] wire) {
            wires.add(wire);
            parent = WireCodec.decodeEvent(wire, new WireCodec.Limits(Integer.MAX_VALUE, Integer.MAX_VALUE,
                    TestCrypto.INSTANCE.hashLength()), TestCrypto.INSTANCE::hash).hash();
            return parent;
        }
    }

    private static void assertWithinBound(ParsecDecider d) {
        assertThat(d.footprint().entries()).as("the footprint counts the awaited list")
                .isGreaterThanOrEqualTo(d.core().graph.size() + d.faults().size() + d.core().malice.awaited()
                        .entries());
        assertThat(d.footprint().within(d.footprintBound())).as("%s within %s", d.footprint(), d.footprintBound())
                .isTrue();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
