package dev.bftkit.bench;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.adversary.Behaviours;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimBench;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streamlette's figures for docs/BENCHMARKS.md, from the deterministic simulator: ticks to decide without faults,
 * with ⌊(n−1)/3⌋ crashed nodes (against the expected ticks until three consecutive live leaders) and on a lossy
 * network, messages and bytes per decision against the floor, and simulated runs per minute. The no-faults table is
 * what {@code consensus bench sim} measures ({@link SimBench}).
 *
 * <pre>
 * mvn -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.StreamletteFigures [seeds-for-crash-figure]
 * </pre>
 */
public final class StreamletteFigures {
    private StreamletteFigures() {
    }

    /**
     * @param args optional: seeds for the crashed-nodes figure (default 1000)
     * @throws Exception if a run fails
     */
    public static void main(String[] args) throws Exception {
        int crashSeeds = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        DeciderProvider streamlette = Plugins.decider("streamlette");
        Crypto crypto = Doubles.insecureCrypto();
        noFaults(streamlette, crypto);
        crashed(streamlette, crypto, crashSeeds);
        lossy(streamlette, crypto, crashSeeds);
        runsPerMinute(streamlette, crypto);
    }

    /** The clean-network table: ticks, messages and bytes per decision against the floor. */
    private static void noFaults(DeciderProvider streamlette, Crypto crypto) {
        System.out.println("## No faults: clean network (10-100 ms), all honest");
        System.out.println("| n | seeds | ticks to decide (min / median / max) | messages per decision | floor 3(n+1)(n-1)"
                + " | ratio | bytes per decision |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int n : new int[] {4, 7, 16, 31, 64}) {
            int seeds = n <= 16 ? 100 : n == 31 ? 20 : 5;
            // the measurement of `consensus bench sim --nodes N --runs SEEDS --seed 1`
            SimBench.Figures f = SimBench.measure(streamlette, crypto, Map.of(), seeds, 1,
                    s -> Scenario.builder(n, s).build());
            if (f.undecided() > 0) {
                throw new IllegalStateException("a node did not decide at n=" + n);
            }
            long[] ticks = f.ticks();
            System.out.printf("| %d | %d | %d / %d / %d | %.0f | %d | %.2f | %.0f |%n", n, seeds, ticks[0],
                    ticks[ticks.length / 2], ticks[ticks.length - 1], f.streamletteMessagesPerDecision(),
                    f.streamletteFloor(), f.streamletteMessagesPerDecision() / f.streamletteFloor(),
                    f.bytesPerDecision());
        }
    }

    /** The crashed-nodes table: mean ticks to decide against the formula E. */
    private static void crashed(DeciderProvider streamlette, Crypto crypto, int crashSeeds) {
        System.out.println();
        System.out.println("## ⌊(n-1)/3⌋ nodes crashed from the start (silent), clean network");
        System.out.println("| n | crashed | p = live weight | seeds | mean ticks to decide | E = (1-p^3)/((1-p)p^3) | "
                + "difference |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int n : new int[] {4, 7, 10}) {
            int f = (n - 1) / 3;
            double p = (n - f) / (double) n;
            double expected = (1 - p * p * p) / ((1 - p) * p * p * p);
            double sum = 0;
            long count = 0;
            for (int s = 0; s < crashSeeds; s++) {
                Scenario.Builder b = Scenario.builder(n, 1_000_000L + s).maxTicks(400);
                for (int i = 0; i < f; i++) {
                    b.byzantine(n - 1 - i, Behaviours.silent());
                }
                SimulationResult r = new Simulator(streamlette, crypto, b.build(), Map.of()).run();
                check(r);
                // the run's ticks to decide: the first tick by which an honest node decided
                sum += r.decideTick().values().stream().mapToLong(Long::longValue).min().orElseThrow();
                count++;
            }
            double mean = sum / count;
            System.out.printf("| %d | %d | %.3f | %d | %.2f | %.2f | %+.1f%% |%n", n, f, p, count, mean, expected,
                    100 * (mean - expected) / expected);
        }
    }

    /** The lossy-network table: ticks, messages and bytes per decision. */
    private static void lossy(DeciderProvider streamlette, Crypto crypto, int crashSeeds) {
        System.out.println();
        System.out.println("## Lossy network (20% loss, 5% duplication, 10-400 ms, 5% clock drift), all honest");
        System.out.println("| n | seeds | mean ticks to decide (every honest node) | mean ticks until all decided | "
                + "messages per decision | bytes per decision |");
        System.out.println("|---|---|---|---|---|---|");
        for (int n : new int[] {4, 7, 10, 16}) {
            int seeds = n <= 7 ? crashSeeds : n == 10 ? Math.max(1, crashSeeds / 2) : Math.max(1, crashSeeds / 5);
            double sum = 0;
            double sumLast = 0;
            long count = 0;
            SimBench.Traffic traffic = new SimBench.Traffic();
            for (int s = 0; s < seeds; s++) {
                Scenario sc = Scenario.builder(n, 2_000_000L + s).network(NetworkModel.LOSSY).drift(5).maxTicks(400)
                        .build();
                SimulationResult r = new Simulator(streamlette, crypto, sc, Map.of()).onDelivery(traffic)
                        .run();
                check(r);
                for (long t : r.decideTick().values()) {
                    sum += t;
                    count++;
                }
                sumLast += r.maxDecideTick();
            }
            System.out.printf("| %d | %d | %.2f | %.2f | %.0f | %.0f |%n", n, seeds, sum / count, sumLast / seeds,
                    traffic.streamletteMessages() / (double) seeds, traffic.bytes() / (double) seeds);
        }
    }

    /** Simulated runs per minute on one and two threads. */
    private static void runsPerMinute(DeciderProvider streamlette, Crypto crypto) throws Exception {
        System.out.println();
        System.out.println("## Simulated runs per minute: n=4, lossy network (20% loss, 5% duplication, 10-400 ms, "
                + "reordering), insecure-fast crypto");
        for (int threads : new int[] {1, 2}) {
            double[] perMinute = new double[5];
            double[] perCpuMinute = new double[5];
            for (int rep = 0; rep < perMinute.length; rep++) {
                double[] rate = runsPerMinute(streamlette, crypto, threads, 3_000);
                perMinute[rep] = rate[0];
                perCpuMinute[rep] = rate[1];
            }
            Arrays.sort(perMinute);
            Arrays.sort(perCpuMinute);
            System.out.printf("threads=%d: median %.0f runs/min over %d repetitions of 3 s (min %.0f, max %.0f); "
                    + "median %.0f runs per CPU-minute of the simulating threads%n", threads, perMinute[2],
                    perMinute.length, perMinute[0], perMinute[4], perCpuMinute[2]);
        }
    }

    private static void check(SimulationResult r) {
        if (!r.ok() || !r.allDecided()) {
            throw new IllegalStateException("run failed: " + r.scenario().describe() + " " + r.violations());
        }
    }

    /** @return runs per wall-clock minute, and per minute of CPU time of the simulating threads */
    private static double[] runsPerMinute(DeciderProvider p, Crypto crypto, int threads, long millis)
            throws Exception {
        // warm-up
        for (int s = 0; s < 200; s++) {
            new Simulator(p, crypto, Scenario.builder(4, s).network(NetworkModel.LOSSY).build(), Map.of()).run();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong seeds = new AtomicLong(10_000_000);
        AtomicLong runs = new AtomicLong();
        AtomicLong cpuNanos = new AtomicLong();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + millis * 1_000_000;
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                long cpu0 = mx.getCurrentThreadCpuTime();
                while (System.nanoTime() < end) {
                    SimulationResult r = new Simulator(p, crypto, Scenario.builder(4, seeds.incrementAndGet())
                            .network(NetworkModel.LOSSY).build(), Map.of()).run();
                    if (!r.ok()) {
                        throw new IllegalStateException(r.violations().toString());
                    }
                    runs.incrementAndGet();
                }
                cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        return new double[] {runs.get() * 60e9 / elapsed, runs.get() * 60e9 / Math.max(1, cpuNanos.get())};
    }

    static Map<Long, Long> histogram(long[] values) {
        Map<Long, Long> h = new TreeMap<>();
        for (long v : values) {
            h.merge(v, 1L, Long::sum);
        }
        return h;
    }
}
