package dev.bftkit.conformance.checks;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.conformance.sim.Partition;
import dev.bftkit.conformance.sim.Roles;
import dev.bftkit.conformance.sim.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pieces that both the Decider rules and the swarm build scenarios from: when faults heal, seeded halves of a
 * committee, and partitions until the healing time.
 */
final class ScenarioParts {
    /** Healing time in liveness scenarios, in virtual milliseconds (about 15 ticks of the default clock). */
    static final long HEAL_AT_MS = 20_000;

    private ScenarioParts() {
    }

    /** A seeded half of the nodes {@code 0..n-1} not in {@code exclude}. */
    static Set<Integer> side(int n, long seed, List<Integer> exclude) {
        List<Integer> honest = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!exclude.contains(i)) {
                honest.add(i);
            }
        }
        return Roles.half(honest, new SeededRandom(SeededRandom.mix(seed ^ 0x51deL)));
    }

    /** Adds random two-sided partitions, one after another, until {@link #HEAL_AT_MS}. */
    static Scenario.Builder partitioned(Scenario.Builder b, int n, long seed) {
        SeededRandom r = new SeededRandom(SeededRandom.mix(seed ^ 0x9a27L));
        long t = 0;
        while (t < HEAL_AT_MS) {
            long len = 2_000 + r.nextLong(6_000);
            Set<Integer> a = side(n, r.nextLong(), List.of());
            Set<Integer> rest = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                if (!a.contains(i)) {
                    rest.add(i);
                }
            }
            b.partition(new Partition(t, Math.min(HEAL_AT_MS, t + len), List.of(a, rest)));
            t += len + r.nextLong(3_000);
        }
        return b;
    }
}
