package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admission bound never leaves two honest nodes apart on what an honest node built on: the test fails if it
 * did. Seeded: replay with {@code -Dtest=AdmissionLivenessTest}.
 */
class AdmissionLivenessTest {

    /**
     * Node 3 floods node 0 with 4,096 siblings, and keeps gossiping its own branch to the others: node 0 took two
     * siblings the others refuse (uncarried further forks). Whatever any honest node has built on reaches every
     * honest node all the same: each honest node's latest event of 100 steps ago is, with its ancestry, in every
     * honest graph, and all decide the same. Node 3's removal may be decided, at one event, before or after a node
     * took node 3's events that build on that event: what honest nodes built on reaches every honest node all the
     * same, and a restarted node takes its stored graph again.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void honest_nodes_do_not_part_over_a_fork_flood(long seed) {
        TestNetwork net = new TestNetwork(4, seed, Map.of());
        net.submitEverywhere(Set.of("a"));
        for (int s = 0; s < 5; s++) {
            net.step();
        }
        AdmissionTest.flood(net, net.node(3), net.node(0), 4096);
        List<NodeId> honest = List.of(net.node(0), net.node(1), net.node(2));
        java.util.Map<NodeId, byte[]> latest = new java.util.HashMap<>();
        for (int s = 0; s < 300; s++) {
            if (s % 25 == 0) {
                for (NodeId id : honest) { // node 3 is removed once its fork's accusation is decided
                    net.decider(id).submit(TestNetwork.utf8("v" + s));
                }
            }
            if (s == 200) {
                for (NodeId id : honest) {
                    ParsecCore c = ((ParsecDecider) net.decider(id).decider()).core();
                    latest.put(id, c.graph.get(c.ourLastEvent()).hash);
                }
            }
            net.step();
        }
        for (NodeId holder : honest) {
            ParsecCore c = ((ParsecDecider) net.decider(holder).decider()).core();
            for (Map.Entry<NodeId, byte[]> e : latest.entrySet()) {
                assertThat(c.graph.contains(e.getValue())).as("%s holds %s's event of step 200", holder, e.getKey())
                        .isTrue();
            }
        }
        for (NodeId id : honest) {
            assertThat(net.decided.get(id).stream().map(d -> new String(d.value(),
                    java.nio.charset.StandardCharsets.UTF_8))).as("decided by %s", id)
                    .contains("a", "v0", "v100", "v175");
        }
        net.assertPrefixAgreement();
        for (NodeId id : honest) { // what a node took past a removal, carried by others, it takes again on a restart
            ParsecCore before = ((ParsecDecider) net.decider(id).decider()).core();
            net.restart(id);
            ParsecCore after = ((ParsecDecider) net.decider(id).decider()).core();
            for (int i = 0; i < before.graph.size(); i++) {
                assertThat(after.graph.contains(before.graph.get(i).hash)).as("%s restarted holds its event %d", id, i)
                        .isTrue();
            }
        }
    }
}
