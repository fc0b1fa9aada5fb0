package dev.bftkit.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The known set of nodes taking part in consensus, each with a non-negative voting weight.
 *
 * <p>Quorum arithmetic never overflows: the total weight is checked to fit a {@code long} when the committee is
 * built, every subset's weight is then at most the total, and the thresholds are computed by division rather than
 * by multiplying weights. A member with weight zero may gossip but its votes count for nothing.
 *
 * <ul>
 *   <li>a <em>supermajority</em> is more than 2/3 of the total weight: {@code 3w > 2T};</li>
 *   <li><em>at least a third</em> is {@code 3w >= T}; <em>more than a third</em> is {@code 3w > T};</li>
 *   <li>the tolerated faulty weight {@code f} is the largest weight with {@code 3f < T}
 *       (⌊(n−1)/3⌋ for n members of weight one).</li>
 * </ul>
 */
public final class Committee {
    private final NodeId[] members;
    private final long[] weights;
    private final Map<NodeId, Integer> index;
    private final long total;

    private Committee(SortedMap<NodeId, Long> weights) {
        this.members = weights.keySet().toArray(new NodeId[0]);
        this.weights = new long[members.length];
        Map<NodeId, Integer> idx = new java.util.HashMap<>();
        long sum = 0;
        for (int i = 0; i < members.length; i++) {
            long w = weights.get(members[i]);
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w + " for " + members[i]);
            }
            try {
                sum = Math.addExact(sum, w);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("total committee weight exceeds " + Long.MAX_VALUE, e);
            }
            this.weights[i] = w;
            idx.put(members[i], i);
        }
        if (sum == 0) {
            throw new IllegalArgumentException("a committee needs a positive total weight");
        }
        this.total = sum;
        this.index = Map.copyOf(idx);
    }

    /**
     * Builds a committee from each member's voting weight. The map's order does not matter: {@link #members()} sorts
     * the members by id.
     *
     * @param weights member → voting weight; at least one positive weight, total at most {@link Long#MAX_VALUE}
     * @return the committee
     * @throws IllegalArgumentException on an empty committee, a negative weight or an overflowing total
     */
    public static Committee of(Map<NodeId, Long> weights) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("a committee needs at least one member");
        }
        return new Committee(new TreeMap<>(weights));
    }

    /**
     * A committee in which every member has weight one.
     *
     * @param members the members; duplicates are an error
     * @return the committee
     */
    public static Committee equalWeights(Collection<NodeId> members) {
        SortedMap<NodeId, Long> m = new TreeMap<>();
        for (NodeId id : members) {
            if (m.put(id, 1L) != null) {
                throw new IllegalArgumentException("duplicate member " + id);
            }
        }
        return of(m);
    }

    /** {@return the members in unsigned-byte order of their ids} */
    public List<NodeId> members() {
        return List.of(members);
    }

    /** {@return the number of members, zero-weight ones included} */
    public int size() {
        return members.length;
    }

    /**
     * {@return the member at position {@code i} of {@link #members()}}
     *
     * @param i a position in {@link #members()}
     */
    public NodeId member(int i) {
        return members[i];
    }

    /**
     * {@return the position of {@code id} in {@link #members()}, or -1 if it is not a member}
     *
     * @param id a node id
     */
    public int indexOf(NodeId id) {
        Integer i = index.get(id);
        return i == null ? -1 : i;
    }

    /**
     * {@return true if {@code id} is a member, of any weight (zero included)}
     *
     * @param id a node id
     */
    public boolean contains(NodeId id) {
        return index.containsKey(id);
    }

    /**
     * {@return the voting weight of member {@code id}}
     *
     * @param id a member
     * @throws IllegalArgumentException if it is not a member
     */
    public long weight(NodeId id) {
        Integer i = index.get(id);
        if (i == null) {
            throw new IllegalArgumentException("not a committee member: " + id);
        }
        return weights[i];
    }

    /** {@return the sum of all weights, positive} */
    public long totalWeight() {
        return total;
    }

    /**
     * The weight of a set of nodes; each distinct member counts once, non-members count nothing.
     *
     * @param ids node ids, possibly repeated
     * @return their combined weight, at most {@link #totalWeight()}
     */
    public long weightOf(Collection<NodeId> ids) {
        Set<NodeId> seen = new HashSet<>();
        long sum = 0;
        for (NodeId id : ids) {
            Integer i = index.get(id);
            if (i != null && seen.add(id)) {
                sum += weights[i]; // cannot overflow: a subset of members weighs at most the total
            }
        }
        return sum;
    }

    /**
     * {@return true if {@code weight} is more than 2/3 of the total ({@code 3w > 2T})}
     *
     * @param weight a weight between 0 and the total
     */
    public boolean isSupermajority(long weight) {
        return weight > supermajorityFloor();
    }

    /**
     * {@return true if {@code weight} is at least a third of the total ({@code 3w >= T})}
     *
     * @param weight a weight between 0 and the total
     */
    public boolean isAtLeastOneThird(long weight) {
        return weight >= ceilDiv3(total);
    }

    /**
     * {@return true if {@code weight} is more than a third of the total ({@code 3w > T})}
     *
     * @param weight a weight between 0 and the total
     */
    public boolean exceedsOneThird(long weight) {
        return weight > total / 3;
    }

    /** {@return the least weight that is a supermajority} */
    public long supermajorityWeight() {
        return supermajorityFloor() + 1;
    }

    /** {@return the largest faulty weight the committee tolerates: the largest {@code f} with {@code 3f < T}} */
    public long maxFaultyWeight() {
        return (total - 1) / 3;
    }

    /** ⌊2T/3⌋, computed as T − ⌈T/3⌉ so that 2T never overflows. */
    private long supermajorityFloor() {
        return total - ceilDiv3(total);
    }

    private static long ceilDiv3(long t) {
        return t / 3 + (t % 3 == 0 ? 0 : 1);
    }

    /** {@return member → weight, in member order} */
    public SortedMap<NodeId, Long> weights() {
        SortedMap<NodeId, Long> m = new TreeMap<>();
        for (int i = 0; i < members.length; i++) {
            m.put(members[i], weights[i]);
        }
        return Collections.unmodifiableSortedMap(m);
    }

    /** {@return the members with a positive weight, in member order} */
    public List<NodeId> voters() {
        List<NodeId> out = new ArrayList<>();
        for (int i = 0; i < members.length; i++) {
            if (weights[i] > 0) {
                out.add(members[i]);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Committee c && Arrays.equals(members, c.members) && Arrays.equals(weights, c.weights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(members) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "Committee" + weights();
    }
}
