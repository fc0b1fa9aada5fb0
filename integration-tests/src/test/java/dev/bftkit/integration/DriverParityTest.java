package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Decision;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import dev.bftkit.runtime.Node;
import dev.bftkit.runtime.NodeAssembly;
import dev.bftkit.runtime.TickClock;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The simulator and the real node run one Driver: one scenario (four honest Streamlette members on a clean network,
 * real Ed25519) is run by the kit's simulator in virtual time and by four {@link Node}s over Vert.x sockets on
 * 127.0.0.1 with the same committee, keys, instance, values and clock, and both decide the same value.
 */
class DriverParityTest {
    private static final long SEED = 7;

    @Test
    void theSimulatorAndRealNodesDecideTheSameValue() throws Exception {
        DeciderProvider streamlette = Plugins.decider("streamlette");
        Crypto crypto = Plugins.crypto("bc").create();
        Scenario scenario = Scenario.builder(4, SEED).clock(1000, 1.05).build();
        Simulator sim = new Simulator(streamlette, crypto, scenario, Map.of());
        SimulationResult simulated = sim.run();
        assertThat(simulated.violations()).isEmpty();
        assertThat(simulated.allDecided()).isTrue();
        Decision expected = simulated.decisions().get(0).get(0);
        for (List<Decision> each : simulated.decisions().values()) {
            assertThat(each.get(0).sameOutcome(expected)).isTrue();
        }

        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            addresses.add(LoopbackNetwork.freeLoopbackAddress());
        }
        List<Node> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                nodes.add(start(sim, streamlette, crypto, addresses, i, scenario));
            }
            for (Node node : nodes) {
                Decision real = node.decide().get(60, TimeUnit.SECONDS);
                assertThat(new String(real.value(), StandardCharsets.UTF_8))
                        .isEqualTo(new String(expected.value(), StandardCharsets.UTF_8));
                assertThat(real.sameOutcome(expected)).isTrue();
            }
        } finally {
            nodes.forEach(Node::close);
        }
    }

    /** Node {@code i} with what the simulator gives its node {@code i}: key, instance, application and values. */
    private static Node start(Simulator sim, DeciderProvider provider, Crypto crypto, List<InetSocketAddress> addresses,
                              int i, Scenario scenario) {
        Map<NodeId, InetSocketAddress> peers = new HashMap<>();
        for (int j = 0; j < 4; j++) {
            if (j != i) {
                peers.put(sim.nodeId(j), addresses.get(j));
            }
        }
        Node node = new NodeAssembly().decider(provider).transport("vertx").storage(Doubles.memoryStorage())
                .crypto(crypto).instance(sim.instance()).committee(sim.committee()).key(sim.key(i))
                .listen(addresses.get(i)).peers(peers)
                .application(application("v:" + i + ":" + Long.toHexString(SEED))).seed(SEED + i)
                .clock(TickClock.of(Duration.ofMillis(scenario.tickStartMs()), scenario.tickGrowth())).start();
        node.submit(("s:" + i + ":0").getBytes(StandardCharsets.UTF_8));
        return node;
    }

    private static Application application(String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return new Application() {
            @Override
            public Optional<byte[]> propose() {
                return Optional.of(v.clone());
            }

            @Override
            public boolean validate(byte[] candidate) {
                return candidate.length >= 2 && (candidate[0] == 'v' || candidate[0] == 's') && candidate[1] == ':';
            }
        };
    }
}
