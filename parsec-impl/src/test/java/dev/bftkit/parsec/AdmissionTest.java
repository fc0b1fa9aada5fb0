package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.conformance.DeciderChecks;
import dev.bftkit.conformance.Kit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What one forking creator can make an honest node hold stays within the bound {@link Admission} states, and the
 * node still decides. Seeded: replay with {@code -Dtest=AdmissionTest}.
 */
class AdmissionTest {
    private static final int SIBLINGS = 4096;

    /**
     * Node 3 signs 4,096 siblings of its latest event and sends them, then its Requesting, to node 0: node 0 refuses
     * the request, takes at most two of them (the fork and its proof), holds the rest back, stays within its
     * footprint bound, holds no more of node 3's events than 2n(N + 1), and still decides.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void a_fork_flood_stays_within_the_bound(long seed) {
        TestNetwork net = new TestNetwork(4, seed, Map.of());
        net.submitEverywhere(Set.of("a", "b"));
        for (int s = 0; s < 5; s++) {
            net.step();
        }
        NodeId forker = net.node(3);
        NodeId victim = net.node(0);
        ParsecCore attacker = ((ParsecDecider) net.decider(forker).decider()).core();
        ParsecDecider honest = (ParsecDecider) net.decider(victim).decider();
        Event parent = attacker.graph.get(attacker.ourLastEvent());
        List<Event> gossip = attacker.createGossip(victim);
        List<byte[]> wires = new ArrayList<>();
        gossip.subList(0, gossip.size() - 1).forEach(e -> wires.add(e.wire));
        for (int k = 0; k < SIBLINGS; k++) {
            wires.add(Adversaries.vote(TestCrypto.INSTANCE, net.instance, net.keys.get(3), parent.hash,
                    parent.indexByCreator + 1, new Observation.Remove(forker, ("flood-" + k)
                            .getBytes(StandardCharsets.UTF_8))));
        }
        wires.add(gossip.get(gossip.size() - 1).wire);
        byte[] request = WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance, wires);

        assertThatThrownBy(() -> net.decider(victim).onRequest(forker, request))
                .isInstanceOf(InvalidMessageException.class);

        ParsecCore core = honest.core();
        Peer p = core.peers.get(core.peers.indexOf(forker));
        assertThat(p.eventsAt(parent.indexByCreator + 1).length).as("the fork and its proof, no more")
                .isLessThanOrEqualTo(2);
        assertThat((long) p.allEvents().size()).as("node 3's events at node 0")
                .isLessThanOrEqualTo(core.admission.perCreator());
        assertThat(honest.footprint().within(honest.footprintBound())).as("%s within %s", honest.footprint(),
                honest.footprintBound()).isTrue();
        for (int s = 0; s < 400 && !net.allDecided(Set.of("a", "b")); s++) {
            net.step();
            for (NodeId id : net.committee.members()) {
                assertThat(net.decider(id).footprint().within(net.decider(id).footprintBound())).isTrue();
            }
        }
        assertThat(net.decided.get(victim)).as("node 0 still decides").hasSizeGreaterThanOrEqualTo(2);
    }

    /** The kit's fork-flood adversary on its own rule: every honest node decides and stays within its bound. */
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {4, 7})
    void the_kit_fork_flood_rule_holds(int n) {
        DeciderChecks checks = new DeciderChecks(new ParsecDeciderProvider(), Kit.insecureCrypto(),
                ParsecVerificationTest.OPTIONS, 100, List.of(), Adversaries.all());
        DeciderChecks.Rule rule = checks.rule("required_adversary_fork-flood");
        for (long seed : DeciderChecks.seeds(rule.id(), n, 3)) {
            Optional<DeciderChecks.Failure> f = checks.check(rule, n, SeededRandom.mix(seed));
            assertThat(f).as(() -> f.map(DeciderChecks.Failure::report).orElse("")).isEmpty();
        }
    }
}
