package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Committee;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.log.LogDeciderProvider;
import dev.bftkit.log.LogEntry;
import dev.bftkit.log.LogPosition;
import dev.bftkit.log.ReplicatedLog;
import dev.bftkit.log.StateMachine;
import dev.bftkit.runtime.LocalCluster;
import dev.bftkit.runtime.NodeListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A replicated log on real parts (Vert.x sockets on 127.0.0.1, MapDB files, Ed25519 from Bouncy Castle), over each
 * algorithm: four members append concurrently; every append completes with its position, every member holds the
 * same entries (compared byte for byte) with each value once, every certificate verifies with the committee alone,
 * and a member restarted from its store hands out the same entries again.
 */
class ReplicatedLogTest {
    private static final int PER_MEMBER = 50;

    @ParameterizedTest
    @ValueSource(strings = {"streamlette", "parsec"})
    void fourMembersCommitEveryValueOnceInOneOrder(String algorithm) throws Exception {
        LogDeciderProvider provider = new LogDeciderProvider(Plugins.decider(algorithm));
        Crypto crypto = Plugins.crypto("bc").create();
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly().decider(provider).transport("vertx")
                .storage("mapdb").crypto("bc").options(algorithm.equals("parsec") ? Map.of("parsec.mode", "single")
                        : Map.of()), 4, 11)) {
            InstanceId instance = InstanceId.of("orders");
            List<ReplicatedLog> logs = new ArrayList<>();
            List<Collector> seen = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    ReplicatedLog log = ReplicatedLog.start(cluster.member(i).instance(instance)
                            .application(Application.acceptAll()));
                    logs.add(log);
                    seen.add(Collector.of(log, 4 * PER_MEMBER));
                }
                List<CompletableFuture<LogPosition>> appended = new ArrayList<>();
                for (int k = 0; k < PER_MEMBER; k++) {
                    for (int i = 0; i < 4; i++) {
                        appended.add(logs.get(i).append(("m" + i + "-" + k).getBytes(StandardCharsets.UTF_8)));
                    }
                }
                CompletableFuture.allOf(appended.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
                for (Collector c : seen) {
                    assertThat(c.done.await(1, TimeUnit.MINUTES)).as("every value reaches every member").isTrue();
                }
                for (Collector c : seen) {
                    assertThat(c.entries).as("one order").isEqualTo(seen.get(0).entries);
                }
                assertThat(new HashSet<>(seen.get(0).values)).hasSize(4 * PER_MEMBER);
                assertThat(seen.get(0).values).hasSize(4 * PER_MEMBER).as("each value once");
                for (ReplicatedLog.Committed c : seen.get(0).committed) {
                    assertThat(provider.verifyDecision(cluster.committee(), crypto, c.decision())).isTrue();
                }
                logs.get(2).close();
                ReplicatedLog again = ReplicatedLog.start(cluster.member(2).instance(instance)
                        .application(Application.acceptAll()));
                logs.set(2, again);
                Collector replay = Collector.of(again, 4 * PER_MEMBER);
                assertThat(replay.done.await(1, TimeUnit.MINUTES)).isTrue();
                assertThat(replay.entries).as("a restarted member hands out the same entries")
                        .isEqualTo(seen.get(0).entries);
            } finally {
                logs.forEach(ReplicatedLog::close);
            }
        }
    }

    /**
     * Appends made at once are handed to the node as one input however many there are: 6,000 values of 200 bytes
     * (about 1.4 MB, more than one batch of 512 KiB) all commit, over several entries. (A group over one batch's
     * bytes was refused whole, and its appends never completed.)
     */
    @ParameterizedTest
    @ValueSource(strings = {"streamlette", "parsec"})
    void appendsOverOneBatchAtOnceAllCommit(String algorithm) throws Exception {
        LogDeciderProvider provider = new LogDeciderProvider(Plugins.decider(algorithm));
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly().decider(provider).transport("vertx")
                .storage("mapdb").crypto("bc").options(algorithm.equals("parsec") ? Map.of("parsec.mode", "single")
                        : Map.of()), 1, 12)) {
            try (ReplicatedLog log = ReplicatedLog.start(cluster.member(0).instance(InstanceId.of("bulk"))
                    .application(Application.acceptAll()))) {
                List<CompletableFuture<LogPosition>> appended = new ArrayList<>();
                for (int k = 0; k < 6_000; k++) {
                    appended.add(log.append(new byte[200]));
                }
                CompletableFuture.allOf(appended.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
                assertThat(appended.get(appended.size() - 1).join().height()).as("several entries").isPositive();
                assertThat(log.append(new byte[64 * 1024 + 1])).as("a value over log.maxValueBytes")
                        .failsWithin(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Snapshots on real parts: with a snapshot every 4 entries and no entries kept below it, a member stopped while
     * the others commit 40 entries comes back, finds its peers pruned past it, restores a peer's snapshot (handing
     * out a checkpoint that verifies with the committee alone), then holds the same state as the others; and a
     * member restarted after pruning restores its own snapshot.
     */
    @ParameterizedTest
    @ValueSource(strings = {"streamlette", "parsec"})
    void aMemberFarBehindRestoresAPeersSnapshot(String algorithm) throws Exception {
        Map<NodeId, CountingMachine> machines = new ConcurrentHashMap<>();
        LogDeciderProvider provider = counting(algorithm, machines);
        Map<String, String> options = pruningOptions(algorithm);
        Crypto crypto = Plugins.crypto("bc").create();
        List<Checkpoint> restored = new CopyOnWriteArrayList<>();
        NodeListener listener = new NodeListener() {
            @Override
            public void onCheckpoint(Checkpoint checkpoint) {
                restored.add(checkpoint);
            }
        };
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly().decider(provider).transport("vertx")
                .storage("mapdb").crypto("bc").options(options), 4, 13)) {
            InstanceId instance = InstanceId.of("state");
            List<ReplicatedLog> logs = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    logs.add(ReplicatedLog.start(cluster.member(i).instance(instance)
                            .application(Application.acceptAll())));
                }
                logs.get(3).close();
                for (int k = 0; k < 40; k++) { // one at a time: one entry each
                    logs.get(0).append(("v" + k).getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.MINUTES);
                }
                logs.set(3, ReplicatedLog.start(cluster.member(3).instance(instance)
                        .application(Application.acceptAll()).listener(listener)));
                CountingMachine behind = machines.get(cluster.id(3));
                CountingMachine ahead = machines.get(cluster.id(0));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                waitUntil(() -> behind.count() >= 40, deadline);
                assertThat(restored).as("it caught up by a snapshot").isNotEmpty();
                for (Checkpoint c : restored) {
                    assertThat(provider.verifyCheckpoint(cluster.committee(), crypto, c)).isTrue();
                }
                assertThat(behind.count()).as("every value, through the snapshot").isEqualTo(40);
                logs.get(1).append("after".getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.MINUTES);
                waitUntil(() -> behind.count() >= 41 && ahead.count() >= 41, deadline);
                assertThat(behind.state()).as("the same state as a member that applied every entry")
                        .isEqualTo(ahead.state());

                restored.clear();
                logs.get(0).close();
                logs.set(0, ReplicatedLog.start(cluster.member(0).instance(instance)
                        .application(Application.acceptAll()).listener(listener)));
                waitUntil(() -> !restored.isEmpty(), deadline);
                assertThat(restored).as("a restart after pruning restores its own snapshot").hasSize(1);
                assertThat(machines.get(cluster.id(0)).state()).isEqualTo(ahead.state());
            } finally {
                logs.forEach(ReplicatedLog::close);
            }
        }
    }

    /**
     * Committee changes on real parts: three of four members vote the fourth out; once the change is in force the
     * three go on committing without it and refuse its messages (as not a member); then they vote it back in, and it
     * catches up on everything committed meanwhile, to the same state.
     */
    @ParameterizedTest
    @ValueSource(strings = {"streamlette", "parsec"})
    void aMemberVotedOutIsRefusedAndCatchesUpWhenVotedBackIn(String algorithm) throws Exception {
        Map<NodeId, CountingMachine> machines = new ConcurrentHashMap<>();
        LogDeciderProvider provider = counting(algorithm, machines);
        Map<String, String> options = pruningOptions(algorithm);
        List<String> refusedFromRemoved = new CopyOnWriteArrayList<>();
        List<Committee> changes = new CopyOnWriteArrayList<>();
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly().decider(provider).transport("vertx")
                .storage("mapdb").crypto("bc").options(options), 4, 14)) {
            InstanceId instance = InstanceId.of("members");
            NodeId removed = cluster.id(3);
            NodeListener refusals = new NodeListener() {
                @Override
                public void onRejected(NodeId peer, RuntimeException error) {
                    if (peer.equals(removed) && error instanceof InvalidMessageException e
                            && e.reason() == InvalidMessageException.Reason.NOT_MEMBER) {
                        refusedFromRemoved.add(e.getMessage());
                    }
                }
            };
            List<ReplicatedLog> logs = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    logs.add(ReplicatedLog.start(cluster.member(i).instance(instance)
                            .application(Application.acceptAll()).listener(refusals)));
                }
                logs.get(0).entries().subscribe(new Collector(Integer.MAX_VALUE) {
                    @Override
                    public void onNext(ReplicatedLog.Committed c) {
                        c.entry().nextCommittee().ifPresent(changes::add);
                    }
                });
                Committee three = Committee.equalWeights(List.of(cluster.id(0), cluster.id(1), cluster.id(2)));
                List<CompletableFuture<Long>> out = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    out.add(logs.get(i).changeCommittee(three));
                }
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                for (int k = 0; changes.isEmpty() && System.nanoTime() < deadline; k++) {
                    logs.get(0).append(("a" + k).getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.MINUTES);
                }
                assertThat(changes).as("the change took effect").containsExactly(three);
                assertThat(out.get(0).get(1, TimeUnit.MINUTES)).as("in force from a later height").isPositive();
                for (int k = 0; k < 20; k++) {
                    logs.get(1).append(("b" + k).getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.MINUTES);
                }
                waitUntil(() -> !refusedFromRemoved.isEmpty(), deadline);
                assertThat(refusedFromRemoved).as("the removed member's messages are refused").isNotEmpty();
                long whileOut = machines.get(cluster.id(3)).count();
                assertThat(whileOut).as("it stopped following while out")
                        .isLessThan(machines.get(cluster.id(0)).count());

                Committee four = cluster.committee();
                for (int i = 0; i < 3; i++) {
                    logs.get(i).changeCommittee(four);
                }
                for (int k = 0; changes.size() < 2 && System.nanoTime() < deadline; k++) {
                    logs.get(2).append(("c" + k).getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.MINUTES);
                }
                assertThat(changes).as("voted back in").containsExactly(three, four);
                logs.get(3).append("back".getBytes(StandardCharsets.UTF_8)).get(2, TimeUnit.MINUTES);
                CountingMachine first = machines.get(cluster.id(0));
                CountingMachine back = machines.get(cluster.id(3));
                waitUntil(() -> back.count() == first.count() && back.count() > whileOut, deadline);
                assertThat(back.state()).as("it caught up to the same state").isEqualTo(first.state());
            } finally {
                logs.forEach(ReplicatedLog::close);
            }
        }
    }

    /** {@return the log over {@code algorithm}, each member's state machine a {@link CountingMachine} put in {@code machines}} */
    private static LogDeciderProvider counting(String algorithm, Map<NodeId, CountingMachine> machines) {
        return new LogDeciderProvider(Plugins.decider(algorithm)).withStateMachine(self -> {
            CountingMachine m = new CountingMachine();
            machines.put(self, m);
            return m;
        });
    }

    /** {@return options for a snapshot every 4 entries and none kept below it (PARSEC: single mode, segments of 4)} */
    private static Map<String, String> pruningOptions(String algorithm) {
        Map<String, String> options = new HashMap<>(Map.of("log.checkpointEntries", "4", "log.retainEntries", "0"));
        if (algorithm.equals("parsec")) {
            options.putAll(Map.of("parsec.mode", "single", "log.segmentEntries", "4"));
        }
        return options;
    }

    private static void waitUntil(BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        while (!done.getAsBoolean() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(20);
        }
    }

    /** A state machine that counts the fresh values and hashes them in order. */
    private static final class CountingMachine implements StateMachine {
        private long count;
        private String hash = "";

        @Override
        public synchronized void apply(LogEntry entry) {
            for (byte[] v : entry.freshPayloads()) {
                count++;
                hash = Integer.toHexString((hash + new String(v, StandardCharsets.UTF_8)).hashCode());
            }
        }

        @Override
        public synchronized byte[] snapshot() {
            return (count + ":" + hash).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void restore(byte[] snapshot) {
            String[] parts = new String(snapshot, StandardCharsets.UTF_8).split(":", 2);
            count = Long.parseLong(parts[0]);
            hash = parts[1];
        }

        synchronized long count() {
            return count;
        }

        synchronized String state() {
            return count + ":" + hash;
        }
    }

    /** Collects a member's committed entries until it has seen a number of fresh values. */
    private static class Collector implements Flow.Subscriber<ReplicatedLog.Committed> {
        final List<String> entries = new CopyOnWriteArrayList<>();
        final List<ReplicatedLog.Committed> committed = new CopyOnWriteArrayList<>();
        final List<String> values = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        private final int expected;

        Collector(int expected) {
            this.expected = expected;
        }

        static Collector of(ReplicatedLog log, int expected) {
            Collector c = new Collector(expected);
            log.entries().subscribe(c);
            return c;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ReplicatedLog.Committed c) {
            committed.add(c);
            entries.add(c.entry().height() + ":" + Bytes.hex(c.decision().value()));
            for (byte[] v : c.entry().freshPayloads()) {
                values.add(new String(v, StandardCharsets.UTF_8));
            }
            if (values.size() >= expected) {
                done.countDown();
            }
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }
}
