package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void cleanRunDecidesInThreeTicks() {
        for (int n : new int[] {4, 7}) {
            SimulationResult r = Simulator.run(new StreamletteProvider(), Doubles.insecureCrypto(),
                    Scenario.builder(n, 1).build());
            System.out.println(r);
            assertThat(r.violations()).isEmpty();
            assertThat(r.allDecided()).isTrue();
            assertThat(r.maxDecideTick()).isEqualTo(3);
        }
        SimulationResult r = Simulator.run(new StreamletteProvider(), Doubles.insecureCrypto(),
                Scenario.builder(4, 2).network(NetworkModel.LOSSY).build());
        System.out.println(r);
        assertThat(r.violations()).isEmpty();
    }

    @Test
    void decisionListenerSeesEachNodesDecisionWithItsGraph() {
        List<String> seen = new ArrayList<>();
        SimulationResult r = new Simulator(new StreamletteProvider(), Doubles.insecureCrypto(),
                Scenario.builder(4, 3).build(), Map.of())
                .onDecision((t, node, d, dot) -> seen.add(node + "@" + t + ":" + d.position() + ":"
                        + dot.get().startsWith("digraph")))
                .run();
        assertThat(r.violations()).isEmpty();
        assertThat(seen).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(seen).contains(i + "@" + r.decideTimeMs().get(i) + ":0:true");
        }
    }
}
