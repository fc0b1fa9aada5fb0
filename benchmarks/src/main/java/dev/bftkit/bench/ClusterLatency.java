package dev.bftkit.bench;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.runtime.Node;
import dev.bftkit.api.runtime.NodeConfig;
import dev.bftkit.api.runtime.TickClock;
import dev.bftkit.api.spi.Application;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderConfig;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.LoopbackNetwork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decision latency of a 4-node Streamlette cluster on real parts in one JVM: Vert.x on 127.0.0.1, the given storage
 * (MapDB by default, a directory per node) and Bouncy Castle, at a 5 ms base tick growing by 1.05. Two figures, each
 * over the given number of rounds after three warm-up rounds:
 * <ul>
 *   <li><b>cold</b>: each round opens fresh stores and transports, then starts the nodes; latency runs from the
 *       first store's opening to the last node's decision (what a cluster's very first decision costs);</li>
 *   <li><b>warm</b>: the stores and transports stay open, as in a running validator set, and each round is a new
 *       instance on them; latency runs from starting the first node to the last node's decision (connections are
 *       already authenticated).</li>
 * </ul>
 *
 * <pre>
 * mvn -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.ClusterLatency [storage] [rounds]
 * </pre>
 */
public final class ClusterLatency {
    private static final int N = 4;
    private static final TickClock CLOCK = new TickClock(Duration.ofMillis(5), 1.05, Duration.ofSeconds(1));

    private ClusterLatency() {
    }

    /**
     * @param args storage plugin name (default mapdb) and the number of rounds (default 30)
     * @throws Exception if a round fails
     */
    public static void main(String[] args) throws Exception {
        String storageName = args.length > 0 ? args[0] : "mapdb";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Crypto crypto = Plugins.crypto("bc").create();
        Path root = Files.createTempDirectory("bftkit-latency-");
        double[] cold = new double[rounds];
        double[] warm = new double[rounds];
        try (LoopbackNetwork net = LoopbackNetwork.create(crypto, N, 7)) {
            Committee committee = Committee.equalWeights(net.ids());
            for (int round = -3; round < rounds; round++) {
                long start = System.nanoTime();
                List<Storage> stores = new ArrayList<>();
                List<Transport> transports = new ArrayList<>();
                for (int i = 0; i < N; i++) {
                    stores.add(Plugins.storage(storageName).open(StorageConfig.at(
                            Files.createDirectories(root.resolve("cold-" + round + "-" + i)))));
                    transports.add(net.open(Plugins.transport("vertx"), i, TransportLimits.DEFAULT));
                }
                double ms = decide(net, committee, crypto, stores, transports, "cold-" + round, start);
                if (round >= 0) {
                    cold[round] = ms;
                }
                transports.forEach(Transport::close);
                stores.forEach(Storage::close);
            }
            List<Storage> stores = new ArrayList<>();
            List<Transport> transports = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                stores.add(Plugins.storage(storageName).open(StorageConfig.at(
                        Files.createDirectories(root.resolve("warm-" + i)))));
                transports.add(net.open(Plugins.transport("vertx"), i, TransportLimits.DEFAULT));
            }
            for (int round = -3; round < rounds; round++) {
                double ms = decide(net, committee, crypto, stores, transports, "warm-" + round, System.nanoTime());
                if (round >= 0) {
                    warm[round] = ms;
                }
            }
            transports.forEach(Transport::close);
            stores.forEach(Storage::close);
        }
        report("cold", storageName, cold);
        report("warm", storageName, warm);
    }

    /** Runs one instance on the given stores and transports; @return ms from {@code start} to the last decision */
    private static double decide(LoopbackNetwork net, Committee committee, Crypto crypto, List<Storage> stores,
                                 List<Transport> transports, String name, long start) throws Exception {
        InstanceId instance = InstanceId.of("latency-" + name);
        List<Node> nodes = new ArrayList<>();
        List<CompletableFuture<Decision>> decided = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            var decider = Plugins.decider("streamlette").create(new DeciderConfig(instance, committee, net.key(i),
                    crypto, stores.get(i), Application.proposing(("v" + i).getBytes()), i, Map.of()));
            Node node = Node.start(NodeConfig.of(decider, transports.get(i)).withClock(CLOCK)
                    .withRequestTimeout(Duration.ofSeconds(1)).withCloseTransport(false));
            nodes.add(node);
            decided.add(node.decide());
        }
        CompletableFuture.allOf(decided.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        double ms = (System.nanoTime() - start) / 1e6;
        nodes.forEach(Node::close);
        return ms;
    }

    private static void report(String kind, String storageName, double[] millis) {
        Arrays.sort(millis);
        int rounds = millis.length;
        System.out.printf("%s: 4-node streamlette / vertx / %s / bc, 5 ms base tick, %d rounds: median %.1f ms, "
                + "p90 %.1f ms, min %.1f ms, max %.1f ms%n", kind, storageName, rounds, millis[rounds / 2],
                millis[(int) (rounds * 0.9)], millis[0], millis[rounds - 1]);
    }
}
