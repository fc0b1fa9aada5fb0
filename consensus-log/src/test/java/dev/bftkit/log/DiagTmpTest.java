package dev.bftkit.log;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.checks.LogRules;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagTmpTest {
    @Test
    void diag() {
        String dec = System.getProperty("diag.decider", "streamlette");
        Map<String, String> opts = dec.equals("parsec") ? Map.of("parsec.mode", "single", "log.segmentEntries", "2",
                "log.checkpointEntries", System.getProperty("diag.ckpt", "2"), "log.retainEntries", "0", "log.maxBatchValues", "4") : Map.of("log.checkpointEntries", "2", "log.retainEntries", "0");
        var rule = LogRules.rules(100).stream().filter(r -> r.id().equals(System.getProperty("diag.rule", LogRules.SNAPSHOT_CATCH_UP))).findFirst().get();
        Scenario s = rule.factory().build(Integer.getInteger("diag.n", 4), Long.getLong("diag.seed", 6953203597205710179L));
        SimulationResult r = new Simulator(new LogDeciderProvider(Plugins.decider(dec)).withStateMachine(x -> new HashingStateMachine()),
                Doubles.insecureCrypto(), s, opts).run();
        r.decisions().forEach((k, v) -> System.out.println("node " + k + " decisions " + v.size() + " first " + (v.isEmpty() ? -1 : v.get(0).position()) + " ckpts " + r.checkpoints().get(k).size()));
        System.out.println("first decide ms " + r.decideTimeMs() + " end " + r.endMs());
        r.violations().forEach(System.out::println);
        System.out.println(s.describe());
    }
}
