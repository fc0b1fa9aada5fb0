package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.runtime.LocalCluster;
import dev.bftkit.runtime.NodeAssembly;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalCluster}: four Streamlette members on Vert.x sockets with Ed25519 keys, over a storage plugin handed
 * over as an instance, decide one instance after another on the same open stores and transports.
 */
class LocalClusterTest {
    /** The kit's in-memory store, handed over explicitly rather than found by name. */
    private static final StorageProvider MEMORY = new StorageProvider() {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public Storage open(StorageConfig config) {
            return Doubles.memoryStorage();
        }

        @Override
        public boolean durable() {
            return false;
        }
    };

    @Test
    void decidesOneInstanceAfterAnotherOnTheSameParts() throws Exception {
        NodeAssembly plugins = LocalCluster.assembly().decider("streamlette").transport("vertx").storage(MEMORY)
                .crypto("bc");
        try (LocalCluster cluster = LocalCluster.open(plugins, 4, 7)) {
            assertThat(cluster.size()).isEqualTo(4);
            for (String name : List.of("first", "second")) {
                long start = System.nanoTime();
                LocalCluster.Round round = cluster.decide(InstanceId.of(name), Duration.ofMinutes(1));
                assertThat(round.millisSince(start)).isPositive();
                assertThat(round.decisions()).hasSize(4);
                Decision first = round.decisions().get(0);
                assertThat(new String(first.value(), StandardCharsets.UTF_8)).startsWith(name + " from ");
                for (Decision d : round.decisions()) {
                    assertThat(d.sameOutcome(first)).as("agreement").isTrue();
                    assertThat(Plugins.decider("streamlette").verifyDecision(cluster.committee(),
                            Plugins.crypto("bc").create(), d)).as("proof").isTrue();
                }
            }
        }
    }

    @Test
    void needsPluginsNotOpenParts() {
        NodeAssembly open = LocalCluster.assembly().decider("streamlette").transport("vertx")
                .storage(Doubles.memoryStorage()).crypto("bc");
        assertThatThrownBy(() -> LocalCluster.open(open, 4, 7)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("an open transport or store cannot serve several members");
        assertThatThrownBy(() -> LocalCluster.open(open, 0, 7)).isInstanceOf(IllegalArgumentException.class);
    }
}
