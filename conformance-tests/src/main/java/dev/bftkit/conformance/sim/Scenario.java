package dev.bftkit.conformance.sim;

import dev.bftkit.conformance.adversary.Behaviour;
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
 * @param committeeChanges committee changes the honest members vote for, in time order
 */
public record Scenario(int nodes, long[] weights, long seed, long tickStartMs, double tickGrowth,
                       double maxDriftPercent, NetworkModel network, List<Partition> partitions,
                       List<CrashPlan> crashes, Map<Integer, Behaviour> byzantine, long healAtMs, int maxTicks,
                       int values, List<CommitteeChange> committeeChanges) {

    /**
     * Validates, and copies the array and collections. {@link #builder(int, long)} fills in the defaults.
     *
     * @param nodes the committee size, at least 1
     * @param weights each node's voting weight, by node index; exactly {@code nodes} of them
     * @param seed the seed of everything random in the run; the same seed replays the same run
     * @param tickStartMs the first logical tick's length, in virtual milliseconds
     * @param tickGrowth the factor each tick's length grows by
     * @param maxDriftPercent how far each node's clock may run fast or slow, in percent (0 for none)
     * @param network the network model while faults last
     * @param partitions the partitions, in any order; no nulls
     * @param crashes the honest nodes' crashes and restarts; no nulls
     * @param byzantine the Byzantine nodes: node index (0 to {@code nodes - 1}) to its behaviour; the others are
     *     honest
     * @param healAtMs liveness mode: from this virtual time on the network is clean (no loss, no partition); any
     *     negative value (by convention -1) for safety mode
     * @param maxTicks the tick budget: the run stops after this many ticks of the base clock (in liveness mode,
     *     this many after healing) unless every node has decided before
     * @param values how many values each honest node submits at the start; ordered-stream Deciders that decide
     *     submitted values must decide them all
     * @param committeeChanges the committee changes the honest members vote for; no nulls
     * @throws NullPointerException if {@code weights}, {@code partitions}, {@code crashes} or {@code byzantine} is
     *     null, or holds a null partition, crash or index
     * @throws IllegalArgumentException if {@code nodes} is less than 1, the weights do not match the nodes, or a
     *     Byzantine index is out of range
     */
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
        committeeChanges = List.copyOf(committeeChanges);
        for (CommitteeChange c : committeeChanges) {
            for (int i : c.members()) {
                if (i < 0 || i >= nodes) {
                    throw new IllegalArgumentException("committee member index " + i + " out of range");
                }
            }
        }
        byzantine = Collections.unmodifiableMap(new TreeMap<>(byzantine));
        for (int i : byzantine.keySet()) {
            if (i < 0 || i >= nodes) {
                throw new IllegalArgumentException("byzantine node index " + i + " out of range");
            }
        }
    }

    /**
     * A scenario without committee changes.
     *
     * @param nodes the committee size, at least 1
     * @param weights each node's voting weight
     * @param seed the seed
     * @param tickStartMs the first tick's length
     * @param tickGrowth the factor each tick grows by
     * @param maxDriftPercent the clock drift
     * @param network the network model while faults last
     * @param partitions the partitions
     * @param crashes the crashes and restarts
     * @param byzantine the Byzantine nodes
     * @param healAtMs when the network heals, or -1
     * @param maxTicks the tick budget
     * @param values values per honest node
     */
    public Scenario(int nodes, long[] weights, long seed, long tickStartMs, double tickGrowth,
                    double maxDriftPercent, NetworkModel network, List<Partition> partitions,
                    List<CrashPlan> crashes, Map<Integer, Behaviour> byzantine, long healAtMs, int maxTicks,
                    int values) {
        this(nodes, weights, seed, tickStartMs, tickGrowth, maxDriftPercent, network, partitions, crashes, byzantine,
                healAtMs, maxTicks, values, List.of());
    }

    /**
     * {@return a builder for a scenario of {@code nodes} nodes of weight 1: a clean network, 1 s × 1.05 ticks, no
     * faults, 100 ticks}
     *
     * @param nodes the committee size
     * @param seed the seed
     */
    public static Builder builder(int nodes, long seed) {
        return new Builder(nodes, seed);
    }

    /** {@return true if the scenario heals and then requires progress} */
    public boolean livenessMode() {
        return healAtMs >= 0;
    }

    /**
     * The same scenario under another seed: the same faults, different random choices.
     *
     * @param newSeed the seed for the copy
     * @return a copy of this scenario with {@code newSeed} as its seed
     */
    public Scenario withSeed(long newSeed) {
        return new Scenario(nodes, weights, newSeed, tickStartMs, tickGrowth, maxDriftPercent, network, partitions,
                crashes, byzantine, healAtMs, maxTicks, values, committeeChanges);
    }

    /** {@return a short description for reports} */
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
        for (CommitteeChange c : committeeChanges) {
            sb.append(" committee@").append(c.atMs()).append("ms=").append(c.members());
        }
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
        private final List<CommitteeChange> committeeChanges = new ArrayList<>();
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

        /**
         * Sets each node's voting weight.
         *
         * @param w each node's voting weight, by node index; {@link #build()} requires one per node (default: all 1)
         * @return this builder
         */
        public Builder weights(long... w) {
            this.weights = w.clone();
            return this;
        }

        /**
         * Sets the seed.
         *
         * @param s the seed of everything random in the run, replacing the one given to
         *     {@link Scenario#builder(int, long)}
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Sets the logical tick schedule.
         *
         * @param startMs the first logical tick's length, in virtual milliseconds (default 1,000)
         * @param growth the factor each tick's length grows by (default 1.05)
         * @return this builder
         */
        public Builder clock(long startMs, double growth) {
            this.tickStartMs = startMs;
            this.tickGrowth = growth;
            return this;
        }

        /**
         * Sets how far the nodes' clocks may drift.
         *
         * @param percent how far each node's clock may run fast or slow, in percent (default 0); each node draws its
         *     own drift within that bound from the seed
         * @return this builder
         */
        public Builder drift(double percent) {
            this.drift = percent;
            return this;
        }

        /**
         * Sets how the network treats messages while faults last.
         *
         * @param n the network model while faults last (default {@link NetworkModel#CLEAN})
         * @return this builder
         */
        public Builder network(NetworkModel n) {
            this.network = n;
            return this;
        }

        /**
         * Adds a network partition.
         *
         * @param p a partition to add to those already scheduled
         * @return this builder
         */
        public Builder partition(Partition p) {
            partitions.add(p);
            return this;
        }

        /**
         * Adds a crash of an honest node.
         *
         * @param c a crash (and restart) to add to those already planned
         * @return this builder
         */
        public Builder crash(CrashPlan c) {
            crashes.add(c);
            return this;
        }

        /**
         * Makes a node Byzantine.
         *
         * @param node the index of a node to make Byzantine; {@link #build()} requires 0 to the committee size - 1
         * @param b its behaviour, replacing any set before for that node
         * @return this builder
         */
        public Builder byzantine(int node, Behaviour b) {
            byzantine.put(node, b);
            return this;
        }

        /**
         * {@return true if {@link #byzantine(int, Behaviour)} was called for {@code node}}
         *
         * @param node a node index
         */
        public boolean isByzantine(int node) {
            return byzantine.containsKey(node);
        }

        /**
         * Makes the run a liveness run that heals at a given time.
         *
         * @param atMs when the network heals and progress becomes required, in virtual milliseconds; switches the run
         *     to liveness mode (default -1: safety mode)
         * @return this builder
         */
        public Builder healAt(long atMs) {
            this.healAtMs = atMs;
            return this;
        }

        /**
         * Sets the tick budget.
         *
         * @param t the tick budget: ticks of the base clock (in liveness mode, after healing) before the run stops if
         *     not every node has decided (default 100)
         * @return this builder
         */
        public Builder maxTicks(int t) {
            this.maxTicks = t;
            return this;
        }

        /**
         * Sets how many values each honest node submits.
         *
         * @param k how many values each honest node submits at the start (default 1)
         * @return this builder
         */
        public Builder values(int k) {
            this.values = k;
            return this;
        }

        /**
         * Adds a committee change the honest members vote for.
         *
         * @param c when, and which members
         * @return this builder
         */
        public Builder committeeChange(CommitteeChange c) {
            committeeChanges.add(c);
            return this;
        }

        /** {@return the scenario} */
        public Scenario build() {
            return new Scenario(nodes, weights, seed, tickStartMs, tickGrowth, drift, network, partitions, crashes,
                    byzantine, healAtMs, maxTicks, values, committeeChanges);
        }
    }
}
