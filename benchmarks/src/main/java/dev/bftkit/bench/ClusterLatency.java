package dev.bftkit.bench;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.runtime.LocalCluster;
import dev.bftkit.runtime.NodeAssembly;
import java.time.Duration;
import java.util.Arrays;

/**
 * Decision latency of a 4-node Streamlette cluster on real parts in one JVM, on the runtime's {@link LocalCluster}
 * as {@code consensus bench cluster} runs it (Vert.x on 127.0.0.1, the given storage, Bouncy Castle, a 5 ms base tick
 * growing by 1.05). Two figures, each over the given number of rounds after three warm-up rounds:
 * <ul>
 *   <li><b>cold</b>: each round opens a fresh cluster (stores and transports), then starts the nodes; latency runs
 *       from opening the cluster to the last node's decision (what a cluster's very first decision costs);</li>
 *   <li><b>warm</b>: the stores and transports stay open, as in a running validator set, and each round is a new
 *       instance on them; latency runs from starting the first node to the last node's decision (connections are
 *       already authenticated).</li>
 * </ul>
 * {@code consensus bench cluster} times one cold decision (the JVM's first) and then warm ones; this harness
 * repeats the cold round.
 *
 * <pre>
 * mvn -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.ClusterLatency [storage] [rounds]
 * </pre>
 */
public final class ClusterLatency {
    private static final int N = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private ClusterLatency() {
    }

    /**
     * @param args storage plugin name (default mapdb) and the number of rounds (default 30)
     * @throws Exception if a round fails
     */
    public static void main(String[] args) throws Exception {
        String storageName = args.length > 0 ? args[0] : "mapdb";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        NodeAssembly plugins = LocalCluster.assembly().decider("streamlette").transport("vertx")
                .storage(Plugins.storage(storageName, Doubles.storageProviders()))
                .crypto("bc");
        double[] cold = new double[rounds];
        double[] warm = new double[rounds];
        for (int round = -3; round < rounds; round++) {
            long start = System.nanoTime();
            try (LocalCluster cluster = LocalCluster.open(plugins, N, 7)) {
                double ms = cluster.decide(InstanceId.of("bench-cold-" + round), TIMEOUT).millisSince(start);
                if (round >= 0) {
                    cold[round] = ms;
                }
            }
        }
        try (LocalCluster cluster = LocalCluster.open(plugins, N, 7)) {
            for (int round = -3; round < rounds; round++) {
                long start = System.nanoTime();
                double ms = cluster.decide(InstanceId.of("bench-warm-" + round), TIMEOUT).millisSince(start);
                if (round >= 0) {
                    warm[round] = ms;
                }
            }
        }
        report("cold", storageName, cold);
        report("warm", storageName, warm);
    }

    /** Median at index n/2 of the sorted values and p90 at ⌊0.9 n⌋, as every latency figure in BENCHMARKS.md. */
    private static void report(String kind, String storageName, double[] millis) {
        double[] v = millis.clone();
        Arrays.sort(v);
        int n = v.length;
        System.out.printf("%s: 4-node streamlette / vertx / %s / bc, 5 ms base tick, %d rounds: median %.1f ms, "
                + "p90 %.1f ms, min %.1f ms, max %.1f ms%n", kind, storageName, n, v[n / 2], v[(int) (n * 0.9)],
                v[0], v[n - 1]);
    }
}
