package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.log.LogDeciderProvider;
import dev.bftkit.log.LogPosition;
import dev.bftkit.log.ReplicatedLog;
import dev.bftkit.runtime.LocalCluster;
import dev.bftkit.runtime.NodeListener;
import dev.bftkit.runtime.TickClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measurements of the replicated log on real parts (Vert.x on 127.0.0.1, MapDB files, Ed25519 from Bouncy Castle),
 * off unless {@code -Dbftkit.bench.catchup=true}; they print their figures.
 *
 * <ul>
 *   <li>{@link #catchUp()}: one member, holding 3 of the committee's 4 weight units and so deciding alone, commits
 *       {@code bftkit.bench.entries} entries (100,000) of one value each while the second member (weight 1) is down;
 *       then the second starts with an empty store and follows the log until it holds the head: its time and rate, and how much came by snapshot and how much by entries.
 *       {@code bftkit.bench.retain} sets {@code log.retainEntries} (default: the log's, 1,024; a value above the
 *       entry count makes it fetch every entry).</li>
 *   <li>{@link #committeeChange()}: four members under a steady load of appends; one is voted out, then back in; no
 *       acknowledged append may be lost, and the longest gap between committed entries around each change is set
 *       beside the median gap ({@code bftkit.bench.algorithm}: streamlette or parsec).</li>
 * </ul>
 */
@EnabledIfSystemProperty(named = "bftkit.bench.catchup", matches = "true")
class LogCatchUpBench {
    private static final InstanceId INSTANCE = InstanceId.of("bench");

    @Test
    void catchUp() throws Exception {
        int entries = Integer.getInteger("bftkit.bench.entries", 100_000);
        String algorithm = System.getProperty("bftkit.bench.algorithm", "streamlette");
        int inFlight = Integer.getInteger("bftkit.bench.inFlight", 256);
        Map<String, String> options = new HashMap<>(options(algorithm));
        options.put("log.maxBatchValues", "1");
        String retain = System.getProperty("bftkit.bench.retain");
        if (retain != null) {
            options.put("log.retainEntries", retain);
        }
        LogDeciderProvider provider = new LogDeciderProvider(Plugins.decider(algorithm));
        List<Long> checkpoints = new CopyOnWriteArrayList<>();
        NodeListener listener = new NodeListener() {
            @Override
            public void onCheckpoint(Checkpoint c) {
                checkpoints.add(c.position());
            }
        };
        int tickMillis = Integer.getInteger("bftkit.bench.tickMillis", 5);
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly().decider(provider).transport("vertx")
                .storage("mapdb").crypto("bc").options(options)
                .clock(new TickClock(Duration.ofMillis(tickMillis), 1.05, Duration.ofSeconds(1))), 2, 21)) {
            // a node starts only inside its first committee, and members refuse a node outside the committee in
            // force: the follower is a member whose weight the producer alone outvotes (3 of 4), down while the
            // producer commits (with -Dbftkit.bench.voteOut=true the producer votes it out first; it then never
            // catches up, as members refuse it)
            Committee genesis = Committee.of(Map.of(cluster.id(0), 3L, cluster.id(1), 1L));
            Committee one = Committee.equalWeights(List.of(cluster.id(0)));
            try (ReplicatedLog producer = ReplicatedLog.start(cluster.member(0).committee(genesis)
                    .instance(INSTANCE).application(Application.acceptAll()))) {
                if (Boolean.getBoolean("bftkit.bench.voteOut")) {
                    CompletableFuture<Long> alone = producer.changeCommittee(one);
                    for (int k = 0; !alone.isDone(); k++) {
                        producer.append(("warm-up " + k).getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.MINUTES);
                    }
                    System.out.printf(Locale.ROOT, "a one-member committee from height %d%n", alone.get());
                }
                Semaphore window = new Semaphore(inFlight);
                AtomicLong head = new AtomicLong(-1);
                List<Throwable> failed = new CopyOnWriteArrayList<>();
                long start = System.nanoTime();
                long lastReport = start;
                for (int k = 0; k < entries && failed.isEmpty(); k++) {
                    window.acquire();
                    producer.append(ByteBuffer.allocate(8).putLong(k).array()).whenComplete((p, e) -> {
                        if (e != null) {
                            failed.add(e);
                        } else {
                            head.accumulateAndGet(p.height(), Math::max);
                        }
                        window.release();
                    });
                    if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                        lastReport = System.nanoTime();
                        System.out.printf(Locale.ROOT, "producing: %d appended, head %d, %.0f s%n", k, head.get(),
                                (lastReport - start) / 1e9);
                    }
                }
                window.acquire(inFlight);
                assertThat(failed).isEmpty();
                double produceSeconds = (System.nanoTime() - start) / 1e9;
                long headHeight = head.get();
                System.out.printf(Locale.ROOT, "produced: %s, %d values, head height %d, %.1f s, %.0f entries/s%n",
                        algorithm, entries, headHeight, produceSeconds, entries / produceSeconds);

                AtomicLong followerHead = new AtomicLong(-1);
                AtomicLong byEntries = new AtomicLong();
                long followStart = System.nanoTime();
                try (ReplicatedLog follower = ReplicatedLog.start(cluster.member(1).committee(genesis)
                        .instance(INSTANCE).application(Application.acceptAll()).listener(listener))) {
                    follower.entries().subscribe(new Flow.Subscriber<>() {
                        @Override
                        public void onSubscribe(Flow.Subscription s) {
                            s.request(Long.MAX_VALUE);
                        }

                        @Override
                        public void onNext(ReplicatedLog.Committed c) {
                            byEntries.incrementAndGet();
                            followerHead.accumulateAndGet(c.entry().height(), Math::max);
                        }

                        @Override
                        public void onError(Throwable t) {
                        }

                        @Override
                        public void onComplete() {
                        }
                    });
                    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(30);
                    long lastPrint = System.nanoTime();
                    while (followerHead.get() < headHeight && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                        if (System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
                            lastPrint = System.nanoTime();
                            System.out.printf(Locale.ROOT, "following: at %d of %d, %.0f s%n", followerHead.get(),
                                    headHeight, (lastPrint - followStart) / 1e9);
                        }
                    }
                    double followSeconds = (System.nanoTime() - followStart) / 1e9;
                    long snapshotCovered = checkpoints.isEmpty() ? 0 : Collections.max(checkpoints);
                    System.out.printf(Locale.ROOT, "caught up: %s retain=%s, head %d in %.2f s, %.0f entries/s of"
                            + " log; %d entries handed out, snapshots restored at %s (covering %d entries);"
                            + " commit rate %.0f entries/s; ratio %.2f%n", algorithm,
                            retain == null ? "default" : retain, followerHead.get(), followSeconds,
                            (followerHead.get() + 1) / followSeconds, byEntries.get(), checkpoints, snapshotCovered,
                            entries / produceSeconds,
                            ((followerHead.get() + 1) / followSeconds) / (entries / produceSeconds));
                    assertThat(followerHead.get()).as("the follower reached the head").isEqualTo(headHeight);
                }
            }
        }
    }

    @Test
    void committeeChange() throws Exception {
        String algorithm = System.getProperty("bftkit.bench.algorithm", "streamlette");
        int rate = Integer.getInteger("bftkit.bench.rate", 200);
        int phaseSeconds = Integer.getInteger("bftkit.bench.phaseSeconds", 15);
        LogDeciderProvider provider = new LogDeciderProvider(Plugins.decider(algorithm));
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly().decider(provider).transport("vertx")
                .storage("mapdb").crypto("bc").options(options(algorithm)), 4, 22)) {
            List<ReplicatedLog> logs = new ArrayList<>();
            List<Follow> follows = new ArrayList<>();
            Map<String, LogPosition> acked = new ConcurrentHashMap<>();
            AtomicBoolean loading = new AtomicBoolean(true);
            try {
                for (int i = 0; i < 4; i++) {
                    ReplicatedLog log = ReplicatedLog.start(cluster.member(i).instance(INSTANCE)
                            .application(Application.acceptAll()));
                    logs.add(log);
                    Follow f = new Follow();
                    log.entries().subscribe(f);
                    follows.add(f);
                }
                // the load: rate values/s, round robin over members 0..2 (member 3 is voted out meanwhile)
                AtomicLong sent = new AtomicLong();
                Thread load = SteadyLoad.start("load", rate, loading, k -> {
                    String v = "v" + k;
                    logs.get((int) (k % 3)).append(v.getBytes(StandardCharsets.UTF_8)).thenAccept(p -> acked.put(v, p));
                    sent.incrementAndGet();
                });
                Thread.sleep(phaseSeconds * 1000L);
                Committee four = cluster.committee();
                Committee three = Committee.equalWeights(List.of(cluster.id(0), cluster.id(1), cluster.id(2)));
                long outAt = change(logs.subList(0, 3), three);
                Thread.sleep(phaseSeconds * 1000L);
                long backAt = change(logs.subList(0, 3), four);
                Thread.sleep(phaseSeconds * 1000L);
                loading.set(false);
                load.join();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (acked.size() < sent.get() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(acked).as("every append acknowledged").hasSize((int) sent.get());
                long top = acked.values().stream().mapToLong(LogPosition::height).max().orElseThrow();
                for (Follow f : follows) {
                    while (f.top() < top && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                }
                int lost = 0;
                for (int i = 0; i < 4; i++) {
                    Set<String> held = follows.get(i).values();
                    for (String v : acked.keySet()) {
                        if (!held.contains(v)) {
                            lost++;
                        }
                    }
                }
                Follow first = follows.get(0);
                List<Long> gaps = first.gaps();
                List<Long> sorted = new ArrayList<>(gaps);
                Collections.sort(sorted);
                long median = sorted.get(sorted.size() / 2);
                System.out.printf(Locale.ROOT, "committee change: %s, %d values/s, %d acknowledged, entries %d,"
                        + " lost (summed over members) %d; out in force at %d, back at %d; median gap %.1f ms;"
                        + " longest gap around out %.1f ms, around back %.1f ms; longest overall %.1f ms;"
                        + " entries per member %s; identical %s%n", algorithm, rate, acked.size(), top + 1, lost,
                        outAt, backAt, median / 1e6, first.longestAround(outAt) / 1e6,
                        first.longestAround(backAt) / 1e6, sorted.get(sorted.size() - 1) / 1e6,
                        follows.stream().map(Follow::top).toList(), identical(follows));
                assertThat(lost).as("no acknowledged append lost").isZero();
            } finally {
                loading.set(false);
                logs.forEach(ReplicatedLog::close);
            }
        }
    }

    /** Every member in {@code voters} votes for {@code next}; {@return the height it is in force from} */
    private static long change(List<ReplicatedLog> voters, Committee next) throws Exception {
        List<CompletableFuture<Long>> votes = new ArrayList<>();
        for (ReplicatedLog log : voters) {
            votes.add(log.changeCommittee(next));
        }
        return votes.get(0).get(2, TimeUnit.MINUTES);
    }

    private static String identical(List<Follow> follows) {
        for (Follow f : follows) {
            for (Map.Entry<Long, byte[]> e : f.encodings.entrySet()) {
                byte[] other = follows.get(0).encodings.get(e.getKey());
                if (other != null && !Arrays.equals(other, e.getValue())) {
                    return "no (height " + e.getKey() + ")";
                }
            }
        }
        return "yes";
    }

    private static Map<String, String> options(String algorithm) {
        return algorithm.equals("parsec") ? Map.of("parsec.mode", "single") : Map.of();
    }

    /** A member's committed entries: their encodings, fresh values, and when each came. */
    private static final class Follow implements Flow.Subscriber<ReplicatedLog.Committed> {
        final Map<Long, byte[]> encodings = new ConcurrentHashMap<>();
        private final Set<String> values = ConcurrentHashMap.newKeySet();
        private final Map<Long, Long> at = new ConcurrentHashMap<>();
        private final AtomicLong top = new AtomicLong(-1);

        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ReplicatedLog.Committed c) {
            long h = c.entry().height();
            at.put(h, System.nanoTime());
            encodings.put(h, c.decision().value());
            for (byte[] v : c.entry().freshPayloads()) {
                values.add(new String(v, StandardCharsets.UTF_8));
            }
            top.accumulateAndGet(h, Math::max);
        }

        long top() {
            return top.get();
        }

        Set<String> values() {
            return new HashSet<>(values);
        }

        /** {@return the gap before each entry after the first, in nanoseconds} */
        List<Long> gaps() {
            List<Long> out = new ArrayList<>();
            for (long h = 1; at.containsKey(h) && at.containsKey(h - 1); h++) {
                out.add(at.get(h) - at.get(h - 1));
            }
            return out;
        }

        /** {@return the longest gap before an entry within five heights of {@code height}} */
        long longestAround(long height) {
            long longest = 0;
            for (long h = Math.max(1, height - 5); h <= height + 5; h++) {
                Long a = at.get(h);
                Long b = at.get(h - 1);
                if (a != null && b != null) {
                    longest = Math.max(longest, a - b);
                }
            }
            return longest;
        }

        @Override
        public void onError(Throwable t) {
        }

        @Override
        public void onComplete() {
        }
    }
}
