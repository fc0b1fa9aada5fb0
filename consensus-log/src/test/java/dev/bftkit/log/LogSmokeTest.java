package dev.bftkit.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Decision;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSmokeTest {
    @Test
    void streamletteLogDecidesEveryValue() {
        LogDeciderProvider p = new LogDeciderProvider(Plugins.decider("streamlette"));
        SimulationResult r = new Simulator(p, Doubles.insecureCrypto(),
                Scenario.builder(4, 7).values(5).healAt(0).maxTicks(200).build(), Map.of()).run();
        print(p, r);
        assertThat(r.violations()).isEmpty();
    }

    @Test
    void parsecLogDecidesEveryValue() {
        LogDeciderProvider p = new LogDeciderProvider(Plugins.decider("parsec"));
        SimulationResult r = new Simulator(p, Doubles.insecureCrypto(),
                Scenario.builder(4, 7).values(5).healAt(0).maxTicks(200).build(),
                Map.of("parsec.mode", "single", "log.segmentEntries", "3")).run();
        print(p, r);
        assertThat(r.violations()).isEmpty();
    }

    private static void print(LogDeciderProvider p, SimulationResult r) {
        for (Map.Entry<Integer, List<Decision>> e : r.decisions().entrySet()) {
            StringBuilder b = new StringBuilder("node " + e.getKey() + ":");
            for (Decision d : e.getValue()) {
                b.append(" [").append(d.position()).append(":");
                for (byte[] v : p.decidedValues(d)) {
                    b.append(' ').append(new String(v));
                }
                b.append(']');
            }
            System.out.println(b);
        }
        System.out.println(r.violations());
    }
}
