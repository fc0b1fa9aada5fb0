package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.MemberChange;
import dev.bftkit.api.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PARSEC's exclusion of an offender reaches the application: node 3 forks (twins with one key, serving different
 * peers), the honest nodes detect it, decide its accusation, and each hands out a {@link MemberChange} of kind
 * {@code EXCLUDED} for node 3 in its steps (the runtime passes it to {@code NodeListener.onMemberChange}).
 */
class ExclusionReachesApplicationTest {
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void a_forking_member_excluded_by_consensus_is_handed_out_as_a_member_change(long seed) {
        TestNetwork net = new TestNetwork(4, seed, Map.of());
        NodeId bad = net.node(3);
        net.twin(bad);
        for (int s = 0; s < 2_000 && !excludedEverywhere(net, bad); s++) {
            for (int i = 0; i < 3; i++) {
                net.decider(net.node(i)).submit(("v" + s).getBytes(StandardCharsets.UTF_8)); // keeps gossip going
            }
            net.step();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(net.decider(net.node(i)).memberChanges()).as("node " + i + "'s member changes")
                    .contains(new MemberChange(net.decider(net.node(i)).decider().instance(), bad,
                            MemberChange.Kind.EXCLUDED));
        }
    }

    private static boolean excludedEverywhere(TestNetwork net, NodeId bad) {
        for (int i = 0; i < 3; i++) {
            if (net.decider(net.node(i)).memberChanges().stream().noneMatch(c -> c.member().equals(bad)
                    && c.kind() == MemberChange.Kind.EXCLUDED)) {
                return false;
            }
        }
        return true;
    }
}
