package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeadersTest {

    @Test
    void deterministicAndIdenticalOnEveryNode() {
        Fixture f = new Fixture(7);
        Leaders a = new Leaders(f.committee, f.leaderSeed);
        Leaders b = new Leaders(f.committee, f.leaderSeed);
        for (long t = 0; t < 10_000; t++) {
            assertThat(a.leader(t)).isEqualTo(b.leader(t));
        }
        Leaders other = new Leaders(f.committee, f.leaderSeed + 1);
        int differ = 0;
        for (long t = 0; t < 100; t++) {
            differ += a.leader(t).equals(other.leader(t)) ? 0 : 1;
        }
        assertThat(differ).as("another seed, another schedule").isGreaterThan(50);
    }

    @Test
    void stakeProportionalOverManyTicks() {
        long[] w = {1, 2, 3, 4, 10};
        Fixture f = new Fixture(5, InstanceId.of("stake"), w);
        Committee c = f.committee;
        Leaders l = new Leaders(c, 12345);
        Map<NodeId, Integer> counts = new HashMap<>();
        int ticks = 200_000;
        for (long t = 0; t < ticks; t++) {
            counts.merge(l.leader(t), 1, Integer::sum);
        }
        for (int i = 0; i < w.length; i++) {
            double expected = ticks * (double) w[i] / 20;
            assertThat((double) counts.getOrDefault(f.ids[i], 0)).as("node %d of weight %d", i, w[i])
                    .isBetween(expected * 0.95, expected * 1.05);
        }
    }
}
