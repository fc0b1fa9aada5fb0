package dev.bftkit.conformance.sim;

import dev.bftkit.api.Decision;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Figures of seeded simulation runs: ticks to decide, traffic per decision, and how fast the simulator runs. The
 * {@code consensus bench sim} command and the benchmarks measure through it. Every figure but the speed is a function
 * of the scenarios alone: the same seeds give the same figures.
 */
public final class SimBench {
    private SimBench() {
    }

    /**
     * Counts what a simulation delivers: requests and responses, their bytes, and the Streamlette messages inside
     * responses (a Streamlette diff is version 1, kind 11, then a 4-byte count of the messages it carries).
     */
    public static final class Traffic implements Simulator.DeliveryListener {
        private long deliveries;
        private long bytes;
        private long streamletteMessages;

        /** An empty count. */
        public Traffic() {
        }

        @Override
        public void delivered(long timeMs, int from, int to, boolean response, byte[] b) {
            deliveries++;
            bytes += b.length;
            if (response && b.length >= 6 && b[0] == 1 && b[1] == 11) {
                streamletteMessages += ((b[2] & 0xffL) << 24) | ((b[3] & 0xff) << 16) | ((b[4] & 0xff) << 8)
                        | (b[5] & 0xff);
            }
        }

        /** {@return requests and responses delivered} */
        public long deliveries() {
            return deliveries;
        }

        /** {@return bytes delivered, requests and responses} */
        public long bytes() {
            return bytes;
        }

        /** {@return Streamlette messages delivered inside responses (0 for other deciders)} */
        public long streamletteMessages() {
            return streamletteMessages;
        }
    }

    /**
     * The figures of runs at one committee size.
     *
     * @param nodes the committee size
     * @param runs how many runs, one per seed
     * @param firstSeed the first run's seed; run k has seed {@code firstSeed + k}
     * @param ticks every honest node's ticks to its first decision, over all runs, sorted
     * @param undecided honest nodes (over all runs) that did not decide
     * @param decisions decisions over all runs: per run, the most positions an honest node decided
     * @param traffic what the runs delivered
     * @param traceHash the runs' trace hashes combined: equal whenever every run replays identically
     * @param wallNanos wall time of the measured runs
     * @param cpuNanos CPU time of the thread that ran them (-1 if the JVM cannot tell)
     */
    public record Figures(int nodes, int runs, long firstSeed, long[] ticks, long undecided, long decisions,
                          Traffic traffic, long traceHash, long wallNanos, long cpuNanos) {
        /** {@return the floor of Streamlette messages per decision: 3(n+1)(n−1)} */
        public long streamletteFloor() {
            return 3L * (nodes + 1) * (nodes - 1);
        }

        /** {@return Streamlette messages per decision} */
        public double streamletteMessagesPerDecision() {
            return traffic.streamletteMessages() / (double) Math.max(1, decisions);
        }

        /** {@return requests and responses delivered per decision} */
        public double deliveriesPerDecision() {
            return traffic.deliveries() / (double) Math.max(1, decisions);
        }

        /** {@return bytes delivered per decision} */
        public double bytesPerDecision() {
            return traffic.bytes() / (double) Math.max(1, decisions);
        }

        /** {@return runs per second of wall time} */
        public double runsPerWallSecond() {
            return runs * 1e9 / Math.max(1, wallNanos);
        }

        /** {@return runs per second of the running thread's CPU time, or NaN if unknown} */
        public double runsPerCpuSecond() {
            return cpuNanos < 0 ? Double.NaN : runs * 1e9 / Math.max(1, cpuNanos);
        }
    }

    /**
     * Runs {@code runs} simulations in this thread, seeds {@code firstSeed} to {@code firstSeed + runs - 1}, and
     * checks each: a broken invariant fails the measurement.
     *
     * @param provider the decider
     * @param crypto the crypto suite
     * @param options the decider's options
     * @param runs how many runs, at least 1
     * @param firstSeed the first seed
     * @param scenario the scenario of a seed
     * @return the figures
     * @throws IllegalStateException if an invariant broke, naming the scenario
     */
    public static Figures measure(DeciderProvider provider, Crypto crypto, Map<String, String> options, int runs,
                                  long firstSeed,
                                  LongFunction<Scenario> scenario) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        Traffic traffic = new Traffic();
        List<Long> ticks = new ArrayList<>();
        long undecided = 0;
        long decisions = 0;
        long hash = 17;
        int nodes = 0;
        long cpu0 = cpu ? mx.getCurrentThreadCpuTime() : 0;
        long wall0 = System.nanoTime();
        for (int k = 0; k < runs; k++) {
            Scenario s = scenario.apply(firstSeed + k);
            nodes = s.nodes();
            SimulationResult r = new Simulator(provider, crypto, s, options).onDelivery(traffic).run();
            if (!r.ok()) {
                throw new IllegalStateException("an invariant broke in " + s.describe() + ": " + r.violations());
            }
            for (long t : r.decideTick().values()) {
                if (t < 0) {
                    undecided++;
                } else {
                    ticks.add(t);
                }
            }
            decisions += r.decisions().values().stream().mapToLong(List<Decision>::size).max().orElse(0);
            hash = hash * 31 + r.traceHash();
        }
        long wall = System.nanoTime() - wall0;
        long cpuNanos = cpu ? mx.getCurrentThreadCpuTime() - cpu0 : -1;
        long[] sorted = ticks.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Figures(nodes, runs, firstSeed, sorted, undecided, decisions, traffic, hash, wall, cpuNanos);
    }
}
