package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.checks.ClusterChecks;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.log.LogDeciderProvider;
import dev.bftkit.runtime.TickClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The combination matrix: every Decider × Transport × Storage × Crypto plugin found (here on the class path, through
 * {@code META-INF/services}), the replicated log over each Decider, and the kit's {@code memory} storage double, which the lookup does not find and which
 * is added explicitly (the nodes run in this JVM), runs the whole-cluster checks (4 and 7 nodes, and 4 with one node
 * restarted from its storage) on real sockets. It lives in the integration tests, which depend on every plugin; the
 * kit cannot (the plugins' own tests depend on the kit, and Maven forbids the cycle).
 */
class CombinationMatrixTest {
    static final TickClock CLOCK = new TickClock(Duration.ofMillis(40), 1.05, Duration.ofSeconds(2));

    static List<ClusterChecks.Combination> combinations() {
        List<ClusterChecks.Combination> out = new ArrayList<>();
        for (DeciderProvider d : deciders()) {
            for (TransportProvider t : Plugins.transportProviders()) {
                for (StorageProvider s : storages()) {
                    for (CryptoProvider c : Plugins.cryptoProviders()) {
                        if (c.secure()) {
                            out.add(new ClusterChecks.Combination(d, t, s, c));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * {@return every decider plugin found, and the replicated log over each (over PARSEC in its single-vote mode, in
     * which each member's own batches are decided)}
     */
    static List<DeciderProvider> deciders() {
        List<DeciderProvider> out = new ArrayList<>(Plugins.deciderProviders());
        for (DeciderProvider d : Plugins.deciderProviders()) {
            out.add(new LogDeciderProvider(d, d.name().equals("parsec") ? Map.of("parsec.mode", "single") : Map.of()));
        }
        return out;
    }

    /** {@return every storage plugin found, and the kit's storage doubles, which the lookup does not find} */
    static List<StorageProvider> storages() {
        List<StorageProvider> out = new ArrayList<>(Plugins.storageProviders());
        out.addAll(Doubles.storageProviders());
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyCombinationDecidesOnRealSockets() {
        List<ClusterChecks.Combination> all = combinations();
        assertThat(all).as("at least the default combination is discovered").isNotEmpty();
        List<DynamicTest> tests = new ArrayList<>();
        for (ClusterChecks.Combination c : all) {
            ClusterChecks checks = new ClusterChecks(c, CLOCK, Duration.ofSeconds(120));
            tests.add(DynamicTest.dynamicTest(c + " n=4", () -> expectNoFailure(checks.run(4, false, 4))));
            tests.add(DynamicTest.dynamicTest(c + " n=7", () -> expectNoFailure(checks.run(7, false, 7))));
            if (c.decider().capabilities().contains(DeciderProvider.Capability.RESTART_FROM_STORAGE)) {
                tests.add(DynamicTest.dynamicTest(c + " n=4, one node restarted",
                        () -> expectNoFailure(checks.run(4, true, 44))));
            }
        }
        return tests.stream();
    }

    private static void expectNoFailure(Optional<String> failure) {
        assertThat(failure).as(() -> failure.orElse("")).isEmpty();
    }

    @Test
    void everyPluginIsFoundAndNeitherTestDouble() {
        assertThat(Plugins.deciderProviders()).extracting(DeciderProvider::name).contains("parsec", "streamlette");
        assertThat(Plugins.transportProviders()).extracting(TransportProvider::name).contains("vertx");
        assertThat(Plugins.storageProviders()).extracting(StorageProvider::name).contains("mapdb")
                .doesNotContain("memory");
        assertThat(Plugins.cryptoProviders()).extracting(CryptoProvider::name).contains("bc")
                .doesNotContain("insecure-fast");
    }

    @Test
    void theInsecureTestCryptoIsRefusedOnRealSockets() {
        List<CryptoProvider> insecure = new ArrayList<>(Doubles.cryptoProviders());
        Plugins.cryptoProviders().stream().filter(c -> !c.secure()).forEach(insecure::add);
        assertThat(insecure).extracting(CryptoProvider::name).contains("insecure-fast");
        for (CryptoProvider c : insecure) {
            for (TransportProvider t : Plugins.transportProviders()) {
                assertThatThrownBy(() -> {
                    try (LoopbackNetwork net = LoopbackNetwork.create(c.create(), 2, 1)) {
                        net.open(t, 0, TransportLimits.DEFAULT);
                    }
                }).as("%s over %s", c.name(), t.name()).isInstanceOf(RuntimeException.class)
                        .hasMessageContaining("secure");
            }
        }
    }
}
