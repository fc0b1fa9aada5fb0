package dev.bftkit.conformance.checks;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.DeciderProvider.Capability;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.adversary.Behaviour;
import dev.bftkit.conformance.adversary.Behaviours;
import dev.bftkit.conformance.sim.CrashPlan;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Roles;
import dev.bftkit.conformance.sim.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Random scenarios that mix every kind of fault, one per seed (swarm testing: each run switches a random subset of
 * the fault kinds on, so rare combinations are reached without a rule for each). A seed chooses, independently:
 * <ul>
 *   <li>the committee's shape: n = 3f+1 or 3f+2 members;</li>
 *   <li>the weights (for Deciders that claim {@link Capability#WEIGHTED_COMMITTEE}): equal, skewed (1–10), or with
 *       zero-weight members;</li>
 *   <li>the faulty members, up to the tolerated weight (below a third), each with a strategy of its own drawn from
 *       the standard behaviours, k-copy twins and the algorithm's {@link Adversary adversaries};</li>
 *   <li>the network: clean, lossy and reordering, or lossy and partitioned, with or without clock drift;</li>
 *   <li>honest crashes and restarts (for Deciders that restart from storage): none, during the attack, right after
 *       handing out a response, or after the network healed;</li>
 *   <li>the mode: liveness (the network heals after 20 s of virtual time, as in the Decider rules, and every
 *       honest node must decide) or safety (faults for the whole run).</li>
 * </ul>
 * Every run also checks the invariants every simulation checks (agreement, validity, integrity, proofs, honest
 * fault logs, resources, call times, reload).
 */
public final class Swarm {
    private final Set<Capability> capabilities;
    private final List<Adversary> adversaries;
    private final List<Map<String, String>> misconfigured;
    private final int livenessTicks;

    /**
     * One swarm run.
     *
     * @param scenario the scenario
     * @param kinds what the seed chose: one word per dimension, and one {@code byz:NAME} per strategy the faulty
     *     members run (for counts per kind and for reports)
     */
    public record Run(Scenario scenario, List<String> kinds) {
        /** {@return the kinds joined by spaces} */
        public String kind() {
            return String.join(" ", kinds);
        }
    }

    /**
     * A swarm for one algorithm.
     *
     * @param capabilities what the algorithm claims: weights and restarts are drawn only where it claims them
     * @param adversaries the algorithm's own strategies, drawn beside the standard behaviours
     * @param misconfigured option sets for the standard {@code misconfigured} behaviour, or empty to leave it out
     * @param livenessTicks the tick budget after healing
     */
    public Swarm(Set<Capability> capabilities, List<Adversary> adversaries, List<Map<String, String>> misconfigured,
                 int livenessTicks) {
        this.capabilities = Set.copyOf(capabilities);
        this.adversaries = List.copyOf(adversaries);
        this.misconfigured = List.copyOf(misconfigured);
        this.livenessTicks = livenessTicks;
    }

    /**
     * {@return the run of one seed: n or n + 1 members (3f+1 or 3f+2 when n is 3f+1)}
     *
     * @param n the base committee size, at least 1
     * @param seed the seed
     */
    public Run run(int n, long seed) {
        SeededRandom r = Roles.random(seed);
        List<String> kinds = new ArrayList<>();
        int size = n + r.nextInt(2);
        kinds.add(size % 3 == 1 ? "3f+1" : size % 3 == 2 ? "3f+2" : "3f+3");
        Scenario.Builder b = Scenario.builder(size, seed);
        long[] w = weights(r, size, kinds);
        b.weights(w);
        network(b, r, size, kinds);
        boolean liveness = r.nextInt(5) != 0;
        if (liveness) {
            b.healAt(ScenarioParts.HEAL_AT_MS).maxTicks(livenessTicks);
        } else {
            b.maxTicks(60);
        }
        kinds.add(liveness ? "liveness" : "safety");
        List<Integer> faulty = faulty(r, w);
        Set<Integer> targets = ScenarioParts.side(size, r.nextLong(), faulty);
        List<String> strategies = new ArrayList<>();
        for (int i : faulty) {
            String name = strategy(r);
            strategies.add(name);
            b.byzantine(i, behaviour(name, i, r, size, faulty, targets));
        }
        if (strategies.isEmpty()) {
            kinds.add("byz:none");
        }
        for (String name : new TreeSet<>(strategies)) {
            kinds.add("byz:" + name);
        }
        crashes(b, r, size, faulty, kinds);
        return new Run(b.build(), List.copyOf(kinds));
    }

    private long[] weights(SeededRandom r, int size, List<String> kinds) {
        long[] w = new long[size];
        java.util.Arrays.fill(w, 1);
        if (!capabilities.contains(Capability.WEIGHTED_COMMITTEE)) {
            kinds.add("equal");
            return w;
        }
        int pick = r.nextInt(10);
        if (pick < 5) {
            kinds.add("equal");
        } else if (pick < 8) {
            for (int i = 0; i < size; i++) {
                w[i] = 1 + r.nextLong(10);
            }
            kinds.add("skewed");
        } else {
            for (int zero = 1 + r.nextInt(Math.max(1, size / 4)), k = 0; k < zero; k++) {
                w[r.nextInt(size)] = 0;
            }
            if (java.util.Arrays.stream(w).sum() == 0) {
                w[0] = 1;
            }
            kinds.add("zero-weights");
        }
        return w;
    }

    private static void network(Scenario.Builder b, SeededRandom r, int size, List<String> kinds) {
        int pick = r.nextInt(4);
        if (pick == 0) {
            kinds.add("clean");
        } else if (pick == 1) {
            b.network(NetworkModel.LOSSY);
            kinds.add("lossy");
        } else if (pick == 2) {
            b.network(new NetworkModel(10, 200, 0, 0));
            kinds.add("reordering");
        } else {
            ScenarioParts.partitioned(b.network(NetworkModel.LOSSY), size, r.nextLong());
            kinds.add("partitioned");
        }
        if (r.nextInt(2) == 0) {
            b.drift(5);
        }
    }

    /**
     * Faulty members: below a third of the total weight and at most ⌊(n−1)/3⌋ of them; usually as many as allowed,
     * sometimes fewer.
     */
    private static List<Integer> faulty(SeededRandom r, long[] w) {
        long total = java.util.Arrays.stream(w).sum();
        long budget = (total - 1) / 3;
        if (r.nextInt(4) == 0) {
            budget = r.nextLong(budget + 1);
        }
        List<Integer> out = new ArrayList<>();
        long used = 0;
        for (int i : Roles.order(w.length, r)) {
            if (used + w[i] <= budget && out.size() < (w.length - 1) / 3) {
                out.add(i);
                used += w[i];
            }
        }
        out.sort(null);
        return out;
    }

    /** {@return every strategy name a swarm draws from: the standard behaviours, k copies, and the adversaries} */
    public List<String> strategies() {
        List<String> out = new ArrayList<>(Behaviours.names());
        out.add("copies-3");
        if (!misconfigured.isEmpty()) {
            out.add("misconfigured");
        }
        for (Adversary a : adversaries) {
            out.add(a.name());
        }
        return out;
    }

    private String strategy(SeededRandom r) {
        // the algorithm's own adversaries are drawn as often as all standard behaviours together
        if (!adversaries.isEmpty() && r.nextInt(2) == 0) {
            return adversaries.get(r.nextInt(adversaries.size())).name();
        }
        List<String> standard = strategies().subList(0, strategies().size() - adversaries.size());
        return standard.get(r.nextInt(standard.size()));
    }

    private Behaviour behaviour(String name, int node, SeededRandom r, int size, List<Integer> faulty,
                                Set<Integer> targets) {
        for (Adversary a : adversaries) {
            if (a.name().equals(name)) {
                return a.factory().make(node, targets);
            }
        }
        if (name.equals("misconfigured")) {
            return Behaviours.misconfigured(misconfigured);
        }
        if (name.equals("copies-3")) {
            Set<Integer> rest = new TreeSet<>();
            for (int i = 0; i < size; i++) {
                if (!targets.contains(i) && !faulty.contains(i) && r.nextInt(2) == 0) {
                    rest.add(i);
                }
            }
            return Behaviours.copies(List.of(targets, rest));
        }
        return Behaviours.byName(name, targets);
    }

    private void crashes(Scenario.Builder b, SeededRandom r, int size, List<Integer> faulty, List<String> kinds) {
        if (!capabilities.contains(Capability.RESTART_FROM_STORAGE)) {
            kinds.add("no-crashes");
            return;
        }
        int pick = r.nextInt(4);
        kinds.add(switch (pick) {
            case 0 -> "no-crashes";
            case 1 -> "crash-restart";
            case 2 -> "crash-after-send";
            default -> "restart-after-attack";
        });
        if (pick == 0) {
            return;
        }
        for (int i = 0; i < size; i++) {
            if (faulty.contains(i) || r.nextInt(2) == 0) {
                continue;
            }
            long t = pick == 3 ? ScenarioParts.HEAL_AT_MS / 2 + r.nextLong(ScenarioParts.HEAL_AT_MS)
                    : r.nextLong(4_000);
            for (int k = 0; k < 1 + r.nextInt(3) && t < 2 * ScenarioParts.HEAL_AT_MS; k++) {
                long up = t + 100 + r.nextLong(pick == 2 ? 900 : 4_000);
                b.crash(new CrashPlan(i, t, up, pick == 2));
                t = up + 500 + r.nextLong(4_000);
            }
        }
    }
}
