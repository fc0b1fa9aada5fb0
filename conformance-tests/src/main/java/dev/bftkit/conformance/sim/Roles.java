package dev.bftkit.conformance.sim;

import dev.bftkit.api.SeededRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The seeded draw of who plays which part in a run: which members are Byzantine (or crash), and which half of the
 * honest members a two-sided behaviour treats apart. the kit's {@code Swarm} and the {@code consensus simulate} and
 * {@code bench sim} commands draw a run's roles from {@link #random(long)}, the kit's rules from streams of their
 * own, all through {@link #order} and {@link #half}, so a seed picks the same members wherever it is drawn the same
 * way.
 */
public final class Roles {
    private Roles() {
    }

    /**
     * {@return the random stream a run's roles are drawn from for {@code seed}, apart from the streams of its network
     * and its nodes}
     *
     * @param seed the run's seed
     */
    public static SeededRandom random(long seed) {
        return new SeededRandom(SeededRandom.mix(seed ^ 0x5a4e3L));
    }

    /**
     * {@return the member indexes 0 to {@code n} − 1 in an order drawn from {@code random}: whoever draws roles takes
     * the faulty members from its front}
     *
     * @param n the committee size
     * @param random the role stream
     */
    public static List<Integer> order(int n, SeededRandom random) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idx.add(i);
        }
        random.shuffle(idx);
        return idx;
    }

    /**
     * {@return a half of {@code members} drawn from {@code random} (the smaller half when their number is odd): the
     * side that twins, withholding and the other two-sided behaviours treat apart}
     *
     * @param members member indexes, in any order; taken in ascending order, so the draw depends on the set alone
     * @param random the role stream
     */
    public static Set<Integer> half(Collection<Integer> members, SeededRandom random) {
        List<Integer> sorted = new ArrayList<>(new TreeSet<>(members));
        random.shuffle(sorted);
        return new TreeSet<>(sorted.subList(0, sorted.size() / 2));
    }
}
