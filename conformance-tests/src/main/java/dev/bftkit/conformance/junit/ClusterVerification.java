package dev.bftkit.conformance.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.DeciderProvider.Capability;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.checks.ClusterChecks;
import dev.bftkit.runtime.TickClock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A whole combination on real parts: n = 4 and 7 real {@link dev.bftkit.runtime.Node}s in one JVM on 127.0.0.1,
 * over the chosen transport, storage and crypto, deciding with the chosen decider; agreement, proofs and
 * termination checked, and one node stopped and restarted from its storage mid-run. Every failure names the whole
 * combination. Subclass it and supply the four plugins:
 *
 * <pre>{@code
 * class MyClusterTest extends ClusterVerification {
 *     protected DeciderProvider decider() { return Plugins.decider("streamlette"); }
 *     protected TransportProvider transport() { return Plugins.transport("vertx"); }
 *     protected StorageProvider storage() { return Plugins.storage("mapdb"); }
 *     protected CryptoProvider crypto() { return Plugins.crypto("bc"); }
 * }
 * }</pre>
 */
@SuppressWarnings("exports") // JUnit is `requires static`: only plugin tests, which have it, touch this class
public abstract class ClusterVerification {

    /** For subclasses. */
    protected ClusterVerification() {
    }

    /** {@return the algorithm the cluster runs} */
    protected abstract DeciderProvider decider();

    /** {@return the transport the nodes talk over} */
    protected abstract TransportProvider transport();

    /** {@return the storage each node keeps its state in} */
    protected abstract StorageProvider storage();

    /** {@return the crypto suite; must be secure, real sockets refuse the test suite} */
    protected abstract CryptoProvider crypto();

    /** {@return the nodes' clock: 40 ms ticks growing by 1.05, at most 2 s} */
    protected TickClock clock() {
        return new TickClock(Duration.ofMillis(40), 1.05, Duration.ofSeconds(2));
    }

    /** {@return the longest wait for every node to decide; 120 s by default} */
    protected Duration patience() {
        return Duration.ofSeconds(120);
    }

    private ClusterChecks checks() {
        return new ClusterChecks(new ClusterChecks.Combination(decider(), transport(), storage(), crypto()),
                clock(), patience());
    }

    private void check(String rule, int n, boolean restart) {
        Optional<String> failure = checks().run(n, restart, 20261122L + n);
        assertEquals(Optional.empty(), failure,
                () -> failure.orElse("") + "\n  replay: " + Replay.command(getClass(), rule, Map.of()));
    }

    /** Four nodes decide, agree, and their proofs verify. */
    @Test
    public void required_fourNodesDecideAndAgree() {
        check("required_fourNodesDecideAndAgree", 4, false);
    }

    /** Seven nodes decide, agree, and their proofs verify. */
    @Test
    public void required_sevenNodesDecideAndAgree() {
        check("required_sevenNodesDecideAndAgree", 7, false);
    }

    /** A node stopped and restarted from its storage mid-run still decides the same. */
    @Test
    public void required_nodeRestartedFromItsStorageDecidesTheSame() {
        assumeTrue(decider().capabilities().contains(Capability.RESTART_FROM_STORAGE),
                () -> decider().name() + " does not claim RESTART_FROM_STORAGE");
        check("required_nodeRestartedFromItsStorageDecidesTheSame", 4, true);
    }
}
