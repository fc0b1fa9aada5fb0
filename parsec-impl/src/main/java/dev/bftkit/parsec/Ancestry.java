package dev.bftkit.parsec;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * An event's knowledge of its ancestors (the reference's {@code ancestor_info}): for each creator, the highest
 * index-by-creator among the event's ancestors (itself included), and the forks by that creator in its ancestry.
 * Immutable. Fork maps are rare, so they are kept apart and null when empty.
 */
final class Ancestry {
    private static final ForkMap[] NO_FORKS = new ForkMap[0];

    /** last[p]: highest index-by-creator of p's events among the ancestors, or -1. */
    private final int[] last;
    /** forks[p]: p's forks in the ancestry, or null; the array may be shorter than last. */
    private final ForkMap[] forks;

    private Ancestry(int[] last, ForkMap[] forks) {
        this.last = last;
        this.forks = forks;
    }

    /**
     * The reference's {@code compute_ancestor_info}.
     *
     * @param creator the new event's creator
     * @param indexByCreator its index by creator
     * @param forkIndex how many events of that creator already held that index when it arrived
     * @param selfParent the self-parent's ancestry, or null
     * @param otherParent the other-parent's ancestry, or null
     */
    static Ancestry compute(int creator, int indexByCreator, int forkIndex, Ancestry selfParent,
                            Ancestry otherParent) {
        int size = creator + 1;
        if (selfParent != null) {
            size = Math.max(size, selfParent.last.length);
        }
        if (otherParent != null) {
            size = Math.max(size, otherParent.last.length);
        }
        int[] last = new int[size];
        Arrays.fill(last, -1);
        ForkMap[] forks = NO_FORKS;
        for (int p = 0; p < size; p++) {
            int a = selfParent == null ? -1 : selfParent.last(p);
            int b = otherParent == null ? -1 : otherParent.last(p);
            last[p] = Math.max(a, b);
            ForkMap fa = selfParent == null ? null : selfParent.forks(p);
            ForkMap fb = otherParent == null ? null : otherParent.forks(p);
            ForkMap merged;
            if (a >= 0 && b >= 0) {
                merged = ForkMap.merge(fa, a, fb, b);
            } else {
                merged = a >= 0 ? fa : fb;
            }
            if (merged != null) {
                if (forks.length == 0) {
                    forks = new ForkMap[size];
                }
                forks[p] = merged;
            }
        }
        last[creator] = indexByCreator;
        if (forkIndex > 0) {
            if (forks.length == 0) {
                forks = new ForkMap[size];
            }
            forks[creator] = ForkMap.with(forks[creator], indexByCreator, forkIndex);
        }
        return new Ancestry(last, forks);
    }

    /** @return the highest index by creator of p's events in the ancestry, or -1 */
    int last(int peer) {
        return peer < last.length ? last[peer] : -1;
    }

    /** @return the number of peer slots */
    int size() {
        return last.length;
    }

    ForkMap forks(int peer) {
        return peer < forks.length ? forks[peer] : null;
    }

    /** @return true if the ancestry holds two events of the peer at one index */
    boolean seesForkBy(int peer) {
        ForkMap f = forks(peer);
        return f != null && f.hasFork();
    }

    /**
     * @return true if the ancestry holds the event of {@code peer} at {@code indexByCreator} with fork index
     *     {@code forkIndex}
     */
    boolean contains(int peer, int indexByCreator, int forkIndex) {
        if (last(peer) < indexByCreator) {
            return false;
        }
        ForkMap f = forks(peer);
        int[] set = f == null ? null : f.get(indexByCreator);
        if (set == null) {
            return forkIndex == 0;
        }
        return Arrays.binarySearch(set, forkIndex) >= 0;
    }

    /**
     * Forks by one creator: index-by-creator → sorted fork indices in the ancestry. An index absent from the map
     * means only fork 0 (if any) is known. Immutable.
     */
    static final class ForkMap {
        private final TreeMap<Integer, int[]> sets;

        private ForkMap(TreeMap<Integer, int[]> sets) {
            this.sets = sets;
        }

        int[] get(int indexByCreator) {
            return sets.get(indexByCreator);
        }

        boolean hasFork() {
            for (int[] s : sets.values()) {
                if (s.length > 1) {
                    return true;
                }
            }
            return false;
        }

        Map<Integer, int[]> entries() {
            return java.util.Collections.unmodifiableMap(sets);
        }

        static ForkMap with(ForkMap base, int indexByCreator, int forkIndex) {
            TreeMap<Integer, int[]> m = base == null ? new TreeMap<>() : new TreeMap<>(base.sets);
            m.put(indexByCreator, new int[] {forkIndex});
            return new ForkMap(m);
        }

        /** The reference's {@code merge_fork_maps}, with the implicit fork 0 of the other side's chain. */
        static ForkMap merge(ForkMap lhs, int lhsLast, ForkMap rhs, int rhsLast) {
            if (lhs == null && rhs == null) {
                return null;
            }
            TreeMap<Integer, int[]> m = new TreeMap<>();
            if (lhs != null) {
                for (Map.Entry<Integer, int[]> e : lhs.sets.entrySet()) {
                    int[] other = rhs == null ? null : rhs.sets.get(e.getKey());
                    if (other != null) {
                        m.put(e.getKey(), union(e.getValue(), other));
                    } else {
                        m.put(e.getKey(), rhsLast >= e.getKey() ? union(e.getValue(), new int[] {0}) : e.getValue());
                    }
                }
            }
            if (rhs != null) {
                for (Map.Entry<Integer, int[]> e : rhs.sets.entrySet()) {
                    if (lhs == null || !lhs.sets.containsKey(e.getKey())) {
                        m.put(e.getKey(), lhsLast >= e.getKey() ? union(e.getValue(), new int[] {0}) : e.getValue());
                    }
                }
            }
            return new ForkMap(m);
        }

        private static int[] union(int[] a, int[] b) {
            java.util.TreeSet<Integer> s = new java.util.TreeSet<>();
            for (int x : a) {
                s.add(x);
            }
            for (int x : b) {
                s.add(x);
            }
            return s.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
