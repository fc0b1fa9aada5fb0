package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.log.LogDeciderProvider;
import dev.bftkit.log.LogPosition;
import dev.bftkit.log.ReplicatedLog;
import dev.bftkit.runtime.NodeAssembly;
import dev.bftkit.runtime.TickClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's replicated-log example is the body of this class's {@link #startMember} word for word, and it works:
 * four members, each running it on its own thread with real keys, MapDB files and Vert.x sockets, append a value
 * each; every member's subscriber sees the same certified entries holding all four.
 */
class LogEmbeddingExampleTest {

    /** A running member, where its value was committed, and what its subscriber saw. */
    record Member(ReplicatedLog log, LogPosition at, List<String> seen) {
    }

    /** Starts one member, appends its value and waits until it is committed. */
    static Member startMember(SigningKey key, List<NodeId> members, InetSocketAddress listen,
                              Map<NodeId, InetSocketAddress> peers, Path dataDir, byte[] order,
                              Flow.Subscriber<ReplicatedLog.Committed> subscriber, List<String> seen)
            throws Exception {
        // README:begin
        ReplicatedLog log = ReplicatedLog.start(new NodeAssembly()
                .decider(new LogDeciderProvider(Plugins.decider("streamlette")))   // the log over any algorithm
                .transport("vertx").storage("mapdb").crypto("bc")
                .instance(InstanceId.of("orders"))
                .committee(Committee.equalWeights(members)).key(key).listen(listen).peers(peers)
                .storageDir(dataDir).application(Application.acceptAll())
                .clock(new TickClock(Duration.ofMillis(50), 1.05, Duration.ofSeconds(2))));
        LogPosition at = log.append(order).get(1, TimeUnit.MINUTES);   // committed: the entry's height, the value's index
        log.entries().subscribe(subscriber);                            // every entry from height 0, in order, certified
        // README:end
        return new Member(log, at, seen);
    }

    @Test
    void theReadmeShowsThisExampleWordForWord() throws IOException {
        ReadmeExamples.assertReadmeShows("LogEmbeddingExampleTest");
    }

    @Test
    void fourMembersRunningItCommitTheSameEntries(@TempDir Path dir) throws Exception {
        Crypto crypto = Plugins.crypto("bc").create();
        int n = 4;
        ReadmeExamples.Committee committee = ReadmeExamples.Committee.of(crypto, n, 4300);
        List<SigningKey> keys = committee.keys();
        List<NodeId> members = committee.members();
        List<InetSocketAddress> addresses = committee.addresses();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Member>> started = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int me = i;
                Map<NodeId, InetSocketAddress> peers = committee.peersOf(me);
                Path data = Files.createDirectories(dir.resolve("node-" + i));
                byte[] order = ("order-" + i).getBytes(StandardCharsets.UTF_8);
                List<String> seen = new CopyOnWriteArrayList<>();
                started.add(pool.submit(() -> startMember(keys.get(me), members, addresses.get(me), peers, data,
                        order, collect(seen), seen)));
            }
            List<Member> running = new ArrayList<>();
            for (Future<Member> f : started) {
                running.add(f.get(2, TimeUnit.MINUTES));
            }
            long last = running.stream().mapToLong(m -> m.at().height()).max().orElseThrow();
            for (Member m : running) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (m.seen().size() <= last && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(m.seen()).as("every member's entries, up to the last append's")
                        .startsWith(running.get(0).seen().subList(0, (int) last + 1).toArray(new String[0]));
            }
            String all = String.join(" ", running.get(0).seen());
            for (int i = 0; i < n; i++) {
                assertThat(all).contains(Bytes.hex(("order-" + i).getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            for (Future<Member> f : started) {
                if (f.isDone() && !f.isCancelled()) {
                    try {
                        f.get().log().close();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // the assertion above reports it
                    }
                }
            }
            pool.shutdownNow();
        }
    }

    /** A subscriber that records each entry as its height and hex encoding. */
    private static Flow.Subscriber<ReplicatedLog.Committed> collect(List<String> seen) {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ReplicatedLog.Committed c) {
                seen.add(c.entry().height() + ":" + Bytes.hex(c.decision().value()));
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        };
    }
}
