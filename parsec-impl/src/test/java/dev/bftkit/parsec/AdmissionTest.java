package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Fault;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.doubles.Doubles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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
     * Node 3 signs 4,096 siblings of its latest event and sends them, then its Requesting (a sibling too), to node 0:
     * node 0 takes exactly the first two (the fork and its proof), refuses the request with CONFLICT naming the
     * further fork nobody carries, accuses node 3 of the fork (and nobody else of anything), stays within its
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
        ParsecDecider honest = (ParsecDecider) net.decider(victim).decider();
        ParsecCore attacker = ((ParsecDecider) net.decider(forker).decider()).core();
        Event parent = attacker.graph.get(attacker.ourLastEvent());
        byte[] request = request(net, forker, victim, SIBLINGS);

        assertThatThrownBy(() -> net.decider(victim).onRequest(forker, request)).isInstanceOfSatisfying(
                InvalidMessageException.class, e -> {
                    assertThat(e.reason()).isEqualTo(InvalidMessageException.Reason.CONFLICT);
                    assertThat(e.getMessage()).contains(SIBLINGS - 1 + " events of the message are held back")
                            .contains("a further fork of").contains("that no other non-forking creator's event");
                });

        ParsecCore core = honest.core();
        Peer p = core.peers.get(core.peers.indexOf(forker));
        int at = parent.indexByCreator + 1;
        assertThat(p.eventsAt(at)).as("the fork and its proof, no more").hasSize(2);
        for (int i : p.eventsAt(at)) {
            assertThat(core.graph.get(i).selfParent).as("siblings of node 3's event").isEqualTo(
                    core.graph.indexOf(parent.hash));
        }
        assertThat((long) p.allEvents().size()).as("node 3's events at node 0")
                .isLessThanOrEqualTo(core.admission.perCreator());
        assertThat(honest.footprint().within(honest.footprintBound())).as("%s within %s", honest.footprint(),
                honest.footprintBound()).isTrue();
        assertThat(honest.faults().entries()).as("node 0's fault log").singleElement().satisfies(f -> {
            assertThat(f.offender()).isEqualTo(forker);
            assertThat(f.kind()).isEqualTo(Fault.Kind.EQUIVOCATION);
        });
        for (int s = 0; s < 400 && !(net.allDecided(Set.of("a", "b")) && votedForkAccusation(core, forker)); s++) {
            net.step();
            for (NodeId id : net.committee.members()) {
                assertThat(net.decider(id).footprint().within(net.decider(id).footprintBound())).isTrue();
            }
        }
        assertThat(net.decided.get(victim)).as("node 0 still decides").hasSizeGreaterThanOrEqualTo(2);
        assertThat(votedForkAccusation(core, forker)).as("node 0 voted its accusation of node 3's fork").isTrue();
        assertThat(Arrays.stream(p.eventsAt(at)).filter(i -> core.graph.get(i).observation
                instanceof Observation.Remove)).as("flood siblings at node 0 afterwards (node 3's own Requesting "
                + "there may since have come carried by the honest nodes that built on it)").hasSize(2);
    }

    /**
     * The forker's gossip to the victim with {@code siblings} siblings of the forker's latest event before its
     * closing Requesting (a sibling too), signed with the forker's key.
     */
    static byte[] request(TestNetwork net, NodeId forker, NodeId victim, int siblings) {
        ParsecCore attacker = ((ParsecDecider) net.decider(forker).decider()).core();
        Event parent = attacker.graph.get(attacker.ourLastEvent());
        List<Event> gossip = attacker.createGossip(victim);
        List<byte[]> wires = new ArrayList<>();
        gossip.subList(0, gossip.size() - 1).forEach(e -> wires.add(e.wire));
        SigningKey forkerKey = net.keys.get(net.ids.indexOf(forker));
        for (int k = 0; k < siblings; k++) {
            wires.add(Adversaries.vote(TestCrypto.INSTANCE, net.instance, forkerKey, parent.hash,
                    parent.indexByCreator + 1, new Observation.Remove(forker, ("flood-" + k)
                            .getBytes(StandardCharsets.UTF_8))));
        }
        wires.add(gossip.get(gossip.size() - 1).wire);
        return WireCodec.encodeMessage(WireCodec.KIND_REQUEST, net.instance, wires);
    }

    /** Sends the victim a flood of siblings from the forker ({@link #request}); @return the victim's refusal */
    static InvalidMessageException flood(TestNetwork net, NodeId forker, NodeId victim, int siblings) {
        byte[] request = request(net, forker, victim, siblings);
        try {
            net.decider(victim).onRequest(forker, request);
        } catch (InvalidMessageException e) {
            return e;
        }
        throw new AssertionError("the flood was taken whole");
    }

    private static boolean votedForkAccusation(ParsecCore core, NodeId offender) {
        return core.peers.get(PeerList.OUR).allEvents().stream().anyMatch(i -> core.graph.get(i).observation
                instanceof Observation.Accusation a && a.offender().equals(offender)
                && a.malice().kind() == Malice.Kind.FORK);
    }

    /** The kit's fork-flood adversary on its own rule: every honest node decides and stays within its bound. */
    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {4, 7})
    void the_kit_fork_flood_rule_holds(int n) {
        DeciderChecks checks = new DeciderChecks(new ParsecDeciderProvider(), Doubles.insecureCrypto(),
                ParsecVerificationTest.OPTIONS, 100, List.of(), Adversaries.all());
        DeciderChecks.Rule rule = checks.rule("required_adversary_fork-flood");
        for (long seed : DeciderChecks.seeds(rule.id(), n, 3)) {
            Optional<DeciderChecks.Failure> f = checks.check(rule, n, SeededRandom.mix(seed));
            assertThat(f).as(() -> f.map(DeciderChecks.Failure::report).orElse("")).isEmpty();
        }
    }
}
