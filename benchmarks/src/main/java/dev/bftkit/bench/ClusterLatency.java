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
 * (MapDB by default, a fresh directory per node) and Bouncy Castle, at a 5 ms base tick growing by 1.05. Each
 * round is a new instance; latency is from starting the nodes to the last node's decision.
 *
 * <pre>
 * mvn -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.ClusterLatency [storage] [rounds]
 * </pre>
 */
public final class ClusterLatency {
    private ClusterLatency() {
    }

    /**
     * @param args storage plugin name (default mapdb) and the number of rounds (default 30)
     * @throws Exception if a round fails
     */
    public static void main(String[] args) throws Exception {
        String storageName = args.length > 0 ? args[0] : "mapdb";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int n = 4;
        Crypto crypto = Plugins.crypto("bc").create();
        TickClock clock = new TickClock(Duration.ofMillis(5), 1.05, Duration.ofSeconds(1));
        double[] millis = new double[rounds];
        Path root = Files.createTempDirectory("bftkit-latency-");
        try (LoopbackNetwork net = LoopbackNetwork.create(crypto, n, 7)) {
            Committee committee = Committee.equalWeights(net.ids());
            for (int round = -3; round < rounds; round++) { // three warm-up rounds
                InstanceId instance = InstanceId.of("latency-" + round);
                List<Node> nodes = new ArrayList<>();
                List<Storage> stores = new ArrayList<>();
                List<CompletableFuture<Decision>> decided = new ArrayList<>();
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    Path dir = Files.createDirectories(root.resolve(round + "-" + i));
                    Storage store = Plugins.storage(storageName).open(StorageConfig.at(dir));
                    stores.add(store);
                    var decider = Plugins.decider("streamlette").create(new DeciderConfig(instance, committee,
                            net.key(i), crypto, store, Application.proposing(("v" + i).getBytes()), i, Map.of()));
                    Node node = Node.start(NodeConfig.of(decider, net.open(Plugins.transport("vertx"), i,
                            TransportLimits.DEFAULT)).withClock(clock).withRequestTimeout(Duration.ofSeconds(1)));
                    nodes.add(node);
                    decided.add(node.decide());
                }
                CompletableFuture.allOf(decided.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
                long elapsed = System.nanoTime() - start;
                if (round >= 0) {
                    millis[round] = elapsed / 1e6;
                }
                nodes.forEach(Node::close);
                stores.forEach(Storage::close);
            }
        }
        Arrays.sort(millis);
        System.out.printf("4-node streamlette / vertx / %s / bc, 5 ms base tick, %d rounds: median %.1f ms, "
                + "p90 %.1f ms, min %.1f ms, max %.1f ms%n", storageName, rounds, millis[rounds / 2],
                millis[(int) (rounds * 0.9)], millis[0], millis[rounds - 1]);
    }
}
