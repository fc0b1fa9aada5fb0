package dev.bftkit.conformance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One simulated run: committee size and weights, seed, clock, network, partitions, crashes and Byzantine nodes.
 * Built with {@link #builder(int, long)}; immutable.
 *
 * @param nodes the committee size
 * @param weights each node's voting weight (all 1 unless set)
 * @param seed the seed of everything random in the run
 * @param tickStartMs the first logical tick's length, in virtual milliseconds
 * @param tickGrowth each tick's length grows by this factor
 * @param maxDriftPercent each honest node's clock runs up to this many percent fast or slow
 * @param network the network while faults last
 * @param partitions partitions scheduled to heal
 * @param crashes honest nodes' crashes and restarts
 * @param byzantine faulty node index → its behaviour
 * @param healAtMs liveness mode: from this time the network is clean (no loss, no partition), or -1 for safety mode
 * @param maxTicks the run stops after this many ticks of the base clock (or, in liveness mode, this many after
 *     healing) if not everyone has decided
 * @param values how many values each honest node submits (ordered-stream deciders)
 */
public record Scenario(int nodes, long[] weights, long seed, long tickStartMs, double tickGrowth,
                       double maxDriftPercent, NetworkModel network, List<Partition> partitions,
                       List<CrashPlan> crashes, Map<Integer, Behaviour> byzantine, long healAtMs, int maxTicks,
                       int values) {

    /** Validates and copies. */
    public Scenario {
        if (nodes < 1) {
            throw new IllegalArgumentException("at least one node");
        }
        weights = weights.clone();
        if (weights.length != nodes) {
            throw new IllegalArgumentException("one weight per node");
        }
        partitions = List.copyOf(partitions);
        crashes = List.copyOf(crashes);
        byzantine = Collections.unmodifiableMap(new TreeMap<>(byzantine));
        for (int i : byzantine.keySet()) {
            if (i < 0 || i >= nodes) {
                throw new IllegalArgumentException("byzantine node index " + i + " out of range");
            }
        }
    }

    /**
     * @param nodes the committee size
     * @param seed the seed
     * @return a builder with a clean network, 1 s × 1.05 ticks, no faults, 100 ticks
     */
    public static Builder builder(int nodes, long seed) {
        return new Builder(nodes, seed);
    }

    /** @return true if the scenario heals and then requires progress */
    public boolean livenessMode() {
        return healAtMs >= 0;
    }

    /** @return a copy with another seed */
    public Scenario withSeed(long newSeed) {
        return new Scenario(nodes, weights, newSeed, tickStartMs, tickGrowth, maxDriftPercent, network, partitions,
                crashes, byzantine, healAtMs, maxTicks, values);
    }

    /** @return a short description for reports */
    public String describe() {
        StringBuilder sb = new StringBuilder().append("n=").append(nodes).append(" seed=").append(seed)
                .append(" net=").append(network.minDelayMs()).append('-').append(network.maxDelayMs())
                .append("ms loss=").append(network.loss()).append(" dup=").append(network.duplication());
        if (!partitions.isEmpty()) {
            sb.append(" partitions=").append(partitions.size());
        }
        if (!crashes.isEmpty()) {
            sb.append(" crashes=").append(crashes.size());
        }
        byzantine.forEach((i, b) -> sb.append(" byz[").append(i).append("]=").append(b.name()));
        sb.append(livenessMode() ? " mode=liveness heal@" + healAtMs + "ms" : " mode=safety");
        return sb.toString();
    }

    /** Builds a {@link Scenario}. */
    public static final class Builder {
        private final int nodes;
        private long[] weights;
        private long seed;
        private long tickStartMs = 1000;
        private double tickGrowth = 1.05;
        private double drift;
        private NetworkModel network = NetworkModel.CLEAN;
        private final List<Partition> partitions = new ArrayList<>();
        private final List<CrashPlan> crashes = new ArrayList<>();
        private final Map<Integer, Behaviour> byzantine = new TreeMap<>();
        private long healAtMs = -1;
        private int maxTicks = 100;
        private int values = 1;

        private Builder(int nodes, long seed) {
            this.nodes = nodes;
            this.seed = seed;
            this.weights = new long[nodes];
            java.util.Arrays.fill(weights, 1);
        }

        /** @param w each node's weight @return this */
        public Builder weights(long... w) {
            this.weights = w.clone();
            return this;
        }

        /** @param s the seed @return this */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param startMs the first tick's length @param growth its growth @return this */
        public Builder clock(long startMs, double growth) {
            this.tickStartMs = startMs;
            this.tickGrowth = growth;
            return this;
        }

        /** @param percent the largest clock drift, in percent @return this */
        public Builder drift(double percent) {
            this.drift = percent;
            return this;
        }

        /** @param n the network model @return this */
        public Builder network(NetworkModel n) {
            this.network = n;
            return this;
        }

        /** @param p a partition @return this */
        public Builder partition(Partition p) {
            partitions.add(p);
            return this;
        }

        /** @param c a crash @return this */
        public Builder crash(CrashPlan c) {
            crashes.add(c);
            return this;
        }

        /** @param node a node index @param b its behaviour @return this */
        public Builder byzantine(int node, Behaviour b) {
            byzantine.put(node, b);
            return this;
        }

        /** @param node a node index @return true if it was made Byzantine */
        public boolean isByzantine(int node) {
            return byzantine.containsKey(node);
        }

        /** @param atMs when the network heals and progress becomes required @return this */
        public Builder healAt(long atMs) {
            this.healAtMs = atMs;
            return this;
        }

        /** @param t the tick budget @return this */
        public Builder maxTicks(int t) {
            this.maxTicks = t;
            return this;
        }

        /** @param k values each honest node submits @return this */
        public Builder values(int k) {
            this.values = k;
            return this;
        }

        /** @return the scenario */
        public Scenario build() {
            return new Scenario(nodes, weights, seed, tickStartMs, tickGrowth, drift, network, partitions, crashes,
                    byzantine, healAtMs, maxTicks, values);
        }
    }
}
