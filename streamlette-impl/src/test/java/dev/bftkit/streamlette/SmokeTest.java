package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.conformance.Kit;
import dev.bftkit.conformance.NetworkModel;
import dev.bftkit.conformance.Scenario;
import dev.bftkit.conformance.SimulationResult;
import dev.bftkit.conformance.Simulator;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void cleanRunDecidesInThreeTicks() {
        for (int n : new int[] {4, 7}) {
            SimulationResult r = Simulator.run(new StreamletteProvider(), Kit.insecureCrypto(),
                    Scenario.builder(n, 1).build());
            System.out.println(r);
            assertThat(r.violations()).isEmpty();
            assertThat(r.allDecided()).isTrue();
            assertThat(r.maxDecideTick()).isEqualTo(3);
        }
        SimulationResult r = Simulator.run(new StreamletteProvider(), Kit.insecureCrypto(),
                Scenario.builder(4, 2).network(NetworkModel.LOSSY).build());
        System.out.println(r);
        assertThat(r.violations()).isEmpty();
    }
}
