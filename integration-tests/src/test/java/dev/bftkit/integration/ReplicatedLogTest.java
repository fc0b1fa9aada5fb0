package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.log.LogDeciderProvider;
import dev.bftkit.log.LogPosition;
import dev.bftkit.log.ReplicatedLog;
import dev.bftkit.runtime.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
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

    /** Collects a member's committed entries until it has seen a number of fresh values. */
    private static final class Collector implements Flow.Subscriber<ReplicatedLog.Committed> {
        final List<String> entries = new CopyOnWriteArrayList<>();
        final List<ReplicatedLog.Committed> committed = new CopyOnWriteArrayList<>();
        final List<String> values = new CopyOnWriteArrayList<>();
        final CountDownLatch done = new CountDownLatch(1);
        private final int expected;

        private Collector(int expected) {
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
