package dev.bftkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Committee;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.log.LogDeciderProvider;
import dev.bftkit.log.ReplicatedLog;
import dev.bftkit.runtime.LocalCluster;
import dev.bftkit.runtime.NodeAssembly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A soak of the replicated log on real parts (Vert.x on 127.0.0.1, MapDB files, Ed25519 from Bouncy Castle), off
 * unless {@code -Dbftkit.soak.minutes=N} is set: five hosts in one JVM, each with its own store directory and
 * transport; the first committee holds all five (a node starts only inside its first committee) and votes the fifth,
 * the spare, out at once, leaving four members. A steady load ({@code bftkit.soak.rate} values/s, 200, of 100 bytes)
 * is appended through the members; every {@code bftkit.soak.eventSeconds} (60) one event, in turn: a member is
 * stopped (its node closed; no process is killed) and restarted from its store, or the members vote one of them out
 * and the spare in. Every minute it samples each host's store size on disk and the JVM's heap used after a GC. At the
 * end: every acknowledged append is in every host that holds its entry, and every host's entries are identical (by
 * hash) at every height two hosts both hold, the lowest common height included.
 */
@EnabledIfSystemProperty(named = "bftkit.soak.minutes", matches = "[0-9]+")
class LogSoakTest {
    private static final int HOSTS = 5;
    private static final InstanceId INSTANCE = InstanceId.of("soak");

    @Test
    void fiveHostsUnderLoadWithRestartsAndCommitteeChanges() throws Exception {
        int minutes = Integer.getInteger("bftkit.soak.minutes");
        int rate = Integer.getInteger("bftkit.soak.rate", 200);
        int eventSeconds = Integer.getInteger("bftkit.soak.eventSeconds", 60);
        String algorithm = System.getProperty("bftkit.soak.algorithm", "streamlette");
        LogDeciderProvider provider = algorithm.equals("parsec")
                ? new LogDeciderProvider(Plugins.decider("parsec"), Map.of("parsec.mode", "single"))
                : new LogDeciderProvider(Plugins.decider(algorithm));
        Crypto crypto = Plugins.crypto("bc").create();
        List<SigningKey> keys = LocalCluster.keys(crypto, HOSTS, 31);
        List<NodeId> ids = keys.stream().map(k -> k.publicKey().nodeId()).toList();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            addresses.add(LocalCluster.freeLoopbackAddress());
        }
        Path root = Files.createTempDirectory("bftkit-soak-");
        Committee genesis = Committee.equalWeights(ids);
        List<Host> hosts = new ArrayList<>();
        Ledger ledger = new Ledger();
        for (int i = 0; i < HOSTS; i++) {
            Map<NodeId, InetSocketAddress> peers = new LinkedHashMap<>();
            for (int j = 0; j < HOSTS; j++) {
                if (j != i) {
                    peers.put(ids.get(j), addresses.get(j));
                }
            }
            Path dir = root.resolve("host-" + i);
            Files.createDirectories(dir);
            int host = i;
            hosts.add(new Host(i, ledger, () -> LocalCluster.assembly().decider(provider).transport("vertx")
                    .storage("mapdb")
                    .crypto("bc").committee(genesis).key(keys.get(host)).listen(addresses.get(host)).peers(peers)
                    .storageDir(dir).instance(INSTANCE).application(Application.acceptAll()), dir));
        }
        int capacity = rate * (minutes * 60 + 600);
        AtomicLongArray acked = new AtomicLongArray(capacity); // value k: its height + 1, once acknowledged
        AtomicLong ackedCount = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong failedAppends = new AtomicLong();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Integer> committee = new CopyOnWriteArrayList<>(List.of(0, 1, 2, 3));
        List<String> events = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        long start = System.nanoTime();
        Thread load = null;
        try {
            hosts.forEach(Host::start);
            CompletableFuture<?> out = vote(hosts, List.of(0, 1, 2, 3, 4), committee, ids);
            Thread driver = appendUntil(hosts.get(0), out);
            out.get(3, TimeUnit.MINUTES);
            driver.join();
            events.add(String.format(Locale.ROOT, "%5.0f s: the spare (host 4) voted out", seconds(start)));

            byte[] pad = new byte[100];
            load = SteadyLoad.start("soak-load", rate, loading, k -> {
                if (k >= capacity) {
                    return;
                }
                Host h = hosts.get(committee.get((int) (k % committee.size())));
                String id = String.format(Locale.ROOT, "v%011d", k);
                byte[] value = Arrays.copyOf(pad, pad.length);
                System.arraycopy(id.getBytes(StandardCharsets.UTF_8), 0, value, 0, id.length());
                ReplicatedLog log = h.log;
                if (log != null) {
                    sent.incrementAndGet();
                    log.append(value).whenComplete((p, e) -> {
                        if (e == null) {
                            acked.set((int) k, p.height() + 1);
                            ackedCount.incrementAndGet();
                        } else {
                            failedAppends.incrementAndGet();
                        }
                    });
                }
            });

            SplittableRandom random = new SplittableRandom(7);
            long end = start + TimeUnit.MINUTES.toNanos(minutes);
            long nextSample = System.nanoTime();
            long nextEvent = System.nanoTime() + TimeUnit.SECONDS.toNanos(eventSeconds);
            int sampleMinute = 0;
            int event = 0;
            while (System.nanoTime() < end) {
                if (System.nanoTime() >= nextSample) {
                    samples.add(sample(sampleMinute++, hosts, ackedCount.get()));
                    System.out.println(samples.get(samples.size() - 1));
                    nextSample += TimeUnit.MINUTES.toNanos(1);
                }
                if (System.nanoTime() >= nextEvent) {
                    if (event % 2 == 0) {
                        int victim = committee.get(random.nextInt(committee.size()));
                        hosts.get(victim).stop();
                        Thread.sleep(2_000);
                        hosts.get(victim).start();
                        events.add(String.format(Locale.ROOT, "%5.0f s: host %d stopped and restarted from its store",
                                seconds(start), victim));
                    } else {
                        int spare = spare(committee);
                        int leaving = committee.get(random.nextInt(committee.size()));
                        List<Integer> next = new ArrayList<>(committee);
                        next.set(next.indexOf(leaving), spare);
                        next.sort(Comparator.naturalOrder());
                        long from = vote(hosts, committee, next, ids).get(3, TimeUnit.MINUTES);
                        committee.clear();
                        committee.addAll(next);
                        events.add(String.format(Locale.ROOT, "%5.0f s: host %d out, host %d in (from height %d)",
                                seconds(start), leaving, spare, from));
                    }
                    System.out.println(events.get(events.size() - 1));
                    event++;
                    nextEvent += TimeUnit.SECONDS.toNanos(eventSeconds);
                }
                Thread.sleep(200);
            }
            loading.set(false);
            load.join();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (ackedCount.get() + failedAppends.get() < sent.get() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long top = -1;
            for (int k = 0; k < capacity; k++) {
                top = Math.max(top, acked.get(k) - 1);
            }
            for (int m : committee) {
                while (hosts.get(m).top() < top && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
            samples.add(sample(sampleMinute, hosts, ackedCount.get()) + " (the end)");

            // every acknowledged append in its entry: each host's entries were compared by hash with the first
            // handed out at that height as they came, so it is in every host that holds that entry
            long lost = 0;
            for (int k = 0; k < capacity; k++) {
                long h = acked.get(k) - 1;
                if (h >= 0) {
                    long[] held = ledger.values.get(h);
                    if (held == null || Arrays.binarySearch(held, k) < 0) {
                        lost++;
                    }
                }
            }
            List<String> mismatches = List.copyOf(ledger.mismatches);
            long compared = hosts.stream().mapToLong(h -> h.handedOut.get()).sum();
            long lowest = hosts.stream().mapToLong(Host::top).min().orElse(-1);
            long holding = hosts.stream().filter(h -> h.heights.get((int) lowest)).count();

            System.out.println("soak: " + algorithm + ", " + minutes + " min, " + rate + " values/s of 100 bytes; still waiting"
                    + " at the end: " + (sent.get() - ackedCount.get() - failedAppends.get()));
            events.forEach(System.out::println);
            System.out.println("minute | disk per host (KiB, hosts 0..4) | heap after GC (MiB) | acked values");
            samples.forEach(System.out::println);
            System.out.printf(Locale.ROOT, "entries (head height + 1): %d; values sent %d, acknowledged %d, failed"
                    + " (node stopped while waiting) %d; acknowledged but not in the entry at its height: %d;"
                    + " heads per host %s; entries handed out and compared %d,"
                    + " mismatches %d; the lowest common height %d, its hash %016x, handed out by %d hosts%n",
                    top + 1, sent.get(), ackedCount.get(), failedAppends.get(), lost,
                    hosts.stream().map(Host::top).toList(), compared, mismatches.size(), lowest,
                    ledger.hashes.getOrDefault(lowest, 0L), holding);
            mismatches.stream().limit(20).forEach(System.out::println);
            try (Stream<Path> files = Files.walk(hosts.get(0).dir)) {
                files.filter(Files::isRegularFile).forEach(f -> System.out.println("host 0 file " + f.getFileName()
                        + ": " + f.toFile().length() + " bytes"));
            }
            assertThat(mismatches).as("identical entries").isEmpty();
            assertThat(lost).as("no acknowledged append lost").isZero();
            assertThat(holding).as("every host holds the lowest common height").isEqualTo(HOSTS);
        } finally {
            loading.set(false);
            if (load != null) {
                load.join();
            }
            hosts.forEach(Host::stop);
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Every running host among {@code voters} votes for the committee of {@code members}; completes with its height. */
    private static CompletableFuture<Long> vote(List<Host> hosts, List<Integer> voters, List<Integer> members,
            List<NodeId> ids) {
        Committee next = Committee.equalWeights(members.stream().map(ids::get).toList());
        CompletableFuture<Long> first = null;
        for (int v : voters) {
            ReplicatedLog log = hosts.get(v).log;
            if (log != null) {
                CompletableFuture<Long> f = log.changeCommittee(next);
                first = first == null ? f : first;
            }
        }
        return first;
    }

    /** Appends one value at a time through {@code host} until {@code done}, so that entries commit meanwhile. */
    private static Thread appendUntil(Host host, CompletableFuture<?> done) {
        Thread t = new Thread(() -> {
            for (int k = 0; !done.isDone(); k++) {
                try {
                    host.log.append(("warm-up " + k).getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.MINUTES);
                } catch (Exception e) {
                    return;
                }
            }
        }, "soak-warm-up");
        t.start();
        return t;
    }

    private static int spare(List<Integer> committee) {
        for (int i = 0; i < HOSTS; i++) {
            if (!committee.contains(i)) {
                return i;
            }
        }
        throw new IllegalStateException("no spare");
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String sample(int minute, List<Host> hosts, long acked) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        StringBuilder disk = new StringBuilder();
        for (Host h : hosts) {
            disk.append(disk.length() == 0 ? "" : " / ").append(diskBytes(h.dir) / 1024);
        }
        return String.format(Locale.ROOT, "%6d | %s | %d | %d | heads %s", minute, disk, heap >> 20, acked,
                hosts.stream().map(Host::top).toList());
    }

    private static long diskBytes(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file deleted meanwhile
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /** One host: its assembly, store directory, running log, and what it committed (kept across restarts). */
    private static final class Host {
        final int index;
        final Supplier<NodeAssembly> assembly;
        final Path dir;
        volatile ReplicatedLog log;
        final Ledger ledger;
        /** The heights this host handed out (one bit each). */
        final BitSet heights = new BitSet();
        final AtomicLong handedOut = new AtomicLong();
        private final AtomicLong top = new AtomicLong(-1);

        Host(int index, Ledger ledger, Supplier<NodeAssembly> assembly, Path dir) {
            this.index = index;
            this.ledger = ledger;
            this.assembly = assembly;
            this.dir = dir;
        }

        void start() {
            ReplicatedLog l = ReplicatedLog.start(assembly.get());
            l.entries().subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ReplicatedLog.Committed c) {
                    long h = c.entry().height();
                    ledger.check(index, h, c);
                    synchronized (heights) {
                        heights.set((int) h);
                    }
                    handedOut.incrementAndGet();
                    top.accumulateAndGet(h, Math::max);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onComplete() {
                }
            });
            log = l;
        }

        void stop() {
            ReplicatedLog l = log;
            log = null;
            if (l != null) {
                l.close();
            }
        }

        long top() {
            return top.get();
        }
    }

    /**
     * What the hosts handed out, kept small: per height, the first hash handed out there (8 bytes of SHA-256) and the
     * soak's value numbers in that entry; every later hand-out at that height, by any host, is compared with it.
     */
    private static final class Ledger {
        final Map<Long, Long> hashes = new ConcurrentHashMap<>();
        final Map<Long, long[]> values = new ConcurrentHashMap<>();
        final List<String> mismatches = new CopyOnWriteArrayList<>();

        void check(int host, long height, ReplicatedLog.Committed c) {
            long hash = ByteBuffer.wrap(sha256(c.decision().value())).getLong();
            Long first = hashes.putIfAbsent(height, hash);
            if (first == null) {
                values.put(height, c.entry().freshPayloads().stream()
                        .filter(v -> v.length >= 12 && v[0] == 'v')
                        .mapToLong(v -> Long.parseLong(new String(v, 1, 11, StandardCharsets.UTF_8)))
                        .sorted().toArray());
            } else if (first != hash && mismatches.size() < 100) {
                mismatches.add(String.format(Locale.ROOT, "host %d, height %d: %016x where the first was %016x", host,
                        height, hash, first));
            }
        }

        private static byte[] sha256(byte[] bytes) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
