package dev.bftkit.conformance.checks;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.DeciderProvider.Capability;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.runtime.Node;
import dev.bftkit.runtime.NodeAssembly;
import dev.bftkit.runtime.NodeListener;
import dev.bftkit.runtime.TickClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Whole clusters on real parts, without JUnit: n {@link Node}s in one JVM on 127.0.0.1 over a chosen transport,
 * storage and crypto, deciding with a chosen decider. Checks agreement, valid proofs and termination within a
 * bounded wait, optionally with one node stopped and restarted from its storage mid-run. {@code ClusterVerification}
 * runs it as JUnit tests, and the combination matrix runs it for every combination of discovered plugins.
 */
public final class ClusterChecks {
    /**
     * A combination of plugins.
     *
     * @param decider the algorithm
     * @param transport the transport
     * @param storage the storage
     * @param crypto the crypto suite
     */
    public record Combination(DeciderProvider decider, TransportProvider transport, StorageProvider storage,
                              CryptoProvider crypto) {
        @Override
        public String toString() {
            return "decider=" + decider.name() + " transport=" + transport.name() + " storage=" + storage.name()
                    + " crypto=" + crypto.name();
        }
    }

    /** Values each node submits to an ordered-stream decider. */
    static final int STREAM_VALUES = 2;

    private final Combination combination;
    private final TickClock clock;
    private final Duration patience;

    /**
     * Checks for one combination of plugins.
     *
     * @param combination the plugins
     * @param clock the nodes' tick schedule
     * @param patience the longest wait for every node to decide
     */
    public ClusterChecks(Combination combination, TickClock clock, Duration patience) {
        this.combination = combination;
        this.clock = clock;
        this.patience = patience;
    }

    /** A running member: its storage directory survives a restart. */
    private final class Member {
        final int index;
        final Path dir;
        Storage storage;
        Node node;
        final List<Decision> decisions = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final CountDownLatch phases = new CountDownLatch(4);
        volatile boolean restarted;

        Member(int index, Path dir) {
            this.index = index;
            this.dir = dir;
        }
    }

    /**
     * Runs a cluster to its decisions.
     *
     * @param n the committee size
     * @param restartOne stop one node after it has run a few phases and restart it from its storage
     * @param seed seeds the keys and the Deciders
     * @return a description of what broke, naming the combination, or empty if everything held
     */
    public Optional<String> run(int n, boolean restartOne, long seed) {
        Crypto crypto = combination.crypto().create();
        Path root;
        try {
            root = Files.createTempDirectory("bftkit-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Member> members = new ArrayList<>();
        try (LoopbackNetwork net = LoopbackNetwork.create(crypto, n, seed)) {
            Committee committee = Committee.equalWeights(net.ids());
            InstanceId instance = InstanceId.of("cluster-" + n + "-" + seed);
            for (int i = 0; i < n; i++) {
                Member m = new Member(i, root.resolve("node-" + i));
                Files.createDirectories(m.dir);
                m.storage = combination.storage().open(StorageConfig.at(m.dir));
                members.add(m);
            }
            for (Member m : members) {
                start(m, net, committee, crypto, instance, seed);
            }
            if (restartOne) {
                Member r = members.get(n - 1);
                if (!r.phases.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                    return Optional.of(combination + ": node " + r.index + " ran no phase within " + patience);
                }
                r.node.close(); // closes the transport it opened, not the store it was handed
                if (combination.storage().durable()) {
                    r.storage.close();
                    r.storage = combination.storage().open(StorageConfig.at(r.dir));
                }
                r.restarted = true;
                start(r, net, committee, crypto, instance, seed);
            }
            return awaitAndCheck(members, committee, crypto, n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(combination + ": interrupted");
        } finally {
            for (Member m : members) {
                if (m.node != null) {
                    m.node.close();
                }
                if (m.storage != null) {
                    m.storage.close();
                }
            }
            deleteTree(root);
        }
    }

    private void start(Member m, LoopbackNetwork net, Committee committee, Crypto crypto, InstanceId instance,
                       long seed) {
        NodeListener listener = new NodeListener() {
            @Override
            public void onPhase(long tick, int phase, long phaseNanos) {
                m.phases.countDown();
            }
        };
        m.node = new NodeAssembly().decider(combination.decider()).transport(combination.transport())
                .storage(m.storage).crypto(crypto).instance(instance).committee(committee).key(net.key(m.index))
                .listen(net.address(m.index)).peers(net.peersOf(m.index))
                .propose(("v:cluster-" + m.index).getBytes()).seed(seed + m.index)
                .clock(clock).requestTimeout(Duration.ofSeconds(2)).listener(listener).start();
        m.node.decisions().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Decision item) {
                record(m, item);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        if (combination.decider().capabilities().contains(Capability.ORDERED_STREAM)) {
            // every node submits the same values, so a mode that needs a supermajority of voters for a value
            // (PARSEC's default) decides them too
            for (int k = 0; k < STREAM_VALUES; k++) {
                m.node.submit(("s:cluster-value-" + k).getBytes());
            }
        }
    }

    /**
     * Keeps a member's decisions across its restart, as the simulator does: a restarted node may repeat decisions
     * it reached before (an algorithm may or may not remember what it handed out), but never change one, skip a
     * position, or repeat one without a restart.
     */
    private static synchronized void record(Member m, Decision d) {
        long size = m.decisions.size();
        if (d.position() < size) {
            Decision earlier = m.decisions.get((int) d.position());
            if (!d.sameOutcome(earlier)) {
                m.violations.add("node " + m.index + " changed its decision at position " + d.position() + " from "
                        + earlier + " to " + d + " (integrity)");
            } else if (!m.restarted) {
                m.violations.add("node " + m.index + " decided position " + d.position() + " twice (integrity)");
            }
        } else if (d.position() == size) {
            m.decisions.add(d);
        } else {
            m.violations.add("node " + m.index + " decided position " + d.position() + " after only " + size
                    + " decisions (integrity)");
        }
    }

    private Optional<String> awaitAndCheck(List<Member> members, Committee committee, Crypto crypto, int n)
            throws InterruptedException {
        boolean stream = combination.decider().capabilities().contains(Capability.DECIDES_SUBMITTED_VALUES);
        int expected = stream ? STREAM_VALUES : 1;
        long deadline = System.nanoTime() + patience.toNanos();
        for (Member m : members) {
            while (m.decisions.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(10); // a bounded wait for an outcome, not a timing assertion
            }
            if (m.decisions.size() < expected) {
                return Optional.of(combination + ", n=" + n + ": node " + m.index + " decided " + m.decisions.size()
                        + " of " + expected + " within " + patience + " (termination)");
            }
        }
        for (Member m : members) {
            if (!m.violations.isEmpty()) {
                return Optional.of(combination + ", n=" + n + ": " + m.violations.get(0));
            }
        }
        List<Decision> reference = members.get(0).decisions;
        for (Member m : members) {
            for (int p = 0; p < expected; p++) {
                Decision d = m.decisions.get(p);
                if (!d.sameOutcome(reference.get(p))) {
                    return Optional.of(combination + ", n=" + n + ": node " + m.index + " decided " + d
                            + " but node 0 decided " + reference.get(p) + " (agreement)");
                }
                if (!combination.decider().verifyDecision(committee, crypto, d)) {
                    return Optional.of(combination + ", n=" + n + ": node " + m.index + "'s decision " + d
                            + " does not verify with the committee alone (proof)");
                }
            }
        }
        return Optional.empty();
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
