package dev.bftkit.bench;

import dev.bftkit.cli.ClusterBench;
import java.time.Duration;
import java.util.Map;

/**
 * Decision latency of a 4-node Streamlette cluster on real parts in one JVM, through the code of
 * {@code consensus bench cluster} ({@link ClusterBench}: Vert.x on 127.0.0.1, the given storage, Bouncy Castle, a
 * 5 ms base tick growing by 1.05). Two figures, each over the given number of rounds after three warm-up rounds:
 * <ul>
 *   <li><b>cold</b>: each round opens fresh stores and transports, then starts the nodes; latency runs from the
 *       first store's opening to the last node's decision (what a cluster's very first decision costs);</li>
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

    private ClusterLatency() {
    }

    /**
     * @param args storage plugin name (default mapdb) and the number of rounds (default 30)
     * @throws Exception if a round fails
     */
    public static void main(String[] args) throws Exception {
        String storageName = args.length > 0 ? args[0] : "mapdb";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        double[] cold = new double[rounds];
        double[] warm = new double[rounds];
        try (ClusterBench bench = ClusterBench.create("streamlette", storageName, N, Duration.ofSeconds(60),
                Map.of())) {
            for (int round = -3; round < rounds; round++) {
                long start = System.nanoTime();
                try (ClusterBench.Parts parts = bench.open("cold-" + round)) {
                    double ms = bench.decide(parts, "cold-" + round, start);
                    if (round >= 0) {
                        cold[round] = ms;
                    }
                }
            }
            try (ClusterBench.Parts parts = bench.open("warm")) {
                for (int round = -3; round < rounds; round++) {
                    double ms = bench.decide(parts, "warm-" + round, System.nanoTime());
                    if (round >= 0) {
                        warm[round] = ms;
                    }
                }
            }
        }
        report("cold", storageName, cold);
        report("warm", storageName, warm);
    }

    private static void report(String kind, String storageName, double[] millis) {
        ClusterBench.Stats s = ClusterBench.Stats.of(millis);
        System.out.printf("%s: 4-node streamlette / vertx / %s / bc, 5 ms base tick, %d rounds: median %.1f ms, "
                + "p90 %.1f ms, min %.1f ms, max %.1f ms%n", kind, storageName, s.count(), s.median(), s.p90(),
                s.min(), s.max());
    }
}
