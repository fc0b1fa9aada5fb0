package dev.bftkit.conformance.sim;

import java.util.List;
import java.util.Set;

/**
 * A network partition during {@code [fromMs, untilMs)}: two nodes can talk only if some group holds both. Groups
 * may overlap (a node in two groups talks to both sides); a node in no group is cut off from everyone.
 *
 * @param fromMs when it starts, in virtual milliseconds
 * @param untilMs when it heals
 * @param groups the sides, as node indexes
 */
public record Partition(long fromMs, long untilMs, List<Set<Integer>> groups) {

    /**
     * Validates, and copies the groups.
     *
     * @param fromMs when the partition starts, in virtual milliseconds (inclusive)
     * @param untilMs when it heals, in virtual milliseconds (exclusive), no earlier than {@code fromMs}
     * @param groups the sides, each a set of node indexes (may overlap); no null group or index
     * @throws NullPointerException if {@code groups}, a group or an index in it is null
     * @throws IllegalArgumentException if {@code untilMs} is earlier than {@code fromMs}
     */
    public Partition {
        groups = groups.stream().map(Set::copyOf).toList();
        if (untilMs < fromMs) {
            throw new IllegalArgumentException("a partition must heal after it starts");
        }
    }

    boolean active(long now) {
        return now >= fromMs && now < untilMs;
    }

    boolean separates(int a, int b) {
        for (Set<Integer> g : groups) {
            if (g.contains(a) && g.contains(b)) {
                return false;
            }
        }
        return true;
    }
}
