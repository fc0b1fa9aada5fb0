package dev.bftkit.streamlette;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.conformance.adversary.Behaviours;
import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Partition;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutation sanity: the conformance kit must catch a deliberately broken Streamlette. For each mutant, the kit rule
 * that targets the defect must report a violation within a stated number of seeds; and the correct Streamlette
 * must pass that very run, so the catch is the mutant's doing and not a flaky rule.
 */
class MutationTest {
    /** Four other leader schedules: a node running them signs out of turn in most ticks. */
    static final List<Map<String, String>> MISCONFIGURED =
            dev.bftkit.streamlette.adversary.StreamletteAdversaries.misconfigured();

    record Case(Mutations.Defect defect, String rule, int[] sizes, int seedBudget) {
        String name() {
            return defect.toString();
        }

        Mutations mutations() {
            return Mutations.of(defect);
        }

        @Override
        public String toString() {
            return name() + " (" + rule + ", " + seedBudget + " seeds)";
        }
    }

    /** The committee sizes every kit rule runs at by default. */
    static final int[] DEFAULT_SIZES = {4, 7, 10, 16};

    static List<Case> mutants() {
        return List.of(
                new Case(Mutations.Defect.HALF_THRESHOLD, "required_safety_twins_split_committee", new int[] {7}, 30),
                new Case(Mutations.Defect.SKIP_SIGNATURE_CHECK, "required_byzantine_forger", new int[] {4, 7}, 10),
                new Case(Mutations.Defect.SKIP_LEADER_CHECK, "required_byzantine_misconfigured", new int[] {4, 7}, 10),
                new Case(Mutations.Defect.VOTE_BEFORE_PERSIST, "required_safety_crash_after_send_with_twins",
                        new int[] {4, 7}, 100),
                // caught when a stale node leads the tick that decides the nodes it serves: they stop, and only
                // relays by age bring its message to the nodes it starves (about a third of the seeds)
                new Case(Mutations.Defect.NO_AGE_RELAY, "required_byzantine_stale", new int[] {4, 7}, 10),
                // the planted bugs of the holes one Byzantine member opened: caught within the kit's default
                // budget (sizes 4, 7, 10 and 16, three seeds each)
                new Case(Mutations.Defect.UNBOUNDED_VARIANTS, "required_adversary_variants", DEFAULT_SIZES, 3),
                new Case(Mutations.Defect.RELOAD_AS_PEER, "required_adversary_variants", DEFAULT_SIZES, 3),
                new Case(Mutations.Defect.CATCH_UP_ON_ANY_LEADER, "required_adversary_early_costs_no_more_than_a_crash",
                        DEFAULT_SIZES, 3));
    }

    static DeciderChecks checks(Mutations m) {
        return new DeciderChecks(new StreamletteProvider(m), Doubles.insecureCrypto(), Map.of(), 100, MISCONFIGURED,
                Adversaries.all());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void theKitCatchesTheMutant(Case mutant) {
        DeciderChecks broken = checks(mutant.mutations());
        DeciderChecks correct = checks(Mutations.NONE);
        DeciderChecks.Rule rule = broken.rule(mutant.rule());
        Optional<DeciderChecks.Failure> caught = Optional.empty();
        for (int i = 0; i < mutant.seedBudget() && caught.isEmpty(); i++) {
            for (int n : mutant.sizes()) {
                long seed = DeciderChecks.seeds(rule.id(), n, i + 1)[i];
                caught = broken.check(rule, n, seed);
                if (caught.isPresent()) {
                    break;
                }
            }
        }
        assertThat(caught).as("the kit should catch '%s'", mutant).isPresent();
        DeciderChecks.Failure f = caught.get();
        System.out.println("mutant '" + mutant.name() + "' caught: " + f.report().lines().limit(2).toList());
        assertThat(correct.check(correct.rule(rule.id()), f.n(), f.seed()))
                .as("the correct Streamlette passes the run that caught the mutant").isEmpty();
    }

    /**
     * The spec's §7 scenario: n = 7 split 3 | 3 for 40 ticks, plus one key running a separate instance in each
     * half (equivocating and double-voting), then the split heals. With the real 2/3 threshold no run disagrees;
     * with 1/2 the halves finalize different values.
     */
    @Test
    void halfThresholdDisagreesInThePartitionPlusEquivocatorScenario() {
        int runs = 20;
        int disagreedHalf = 0;
        int disagreedReal = 0;
        for (long seed = 1; seed <= runs; seed++) {
            disagreedHalf += disagrees(Mutations.of(Mutations.Defect.HALF_THRESHOLD), seed) ? 1 : 0;
            disagreedReal += disagrees(Mutations.NONE, seed) ? 1 : 0;
        }
        System.out.println("§7 scenario, n=7 split 3|3 with one twin key: 1/2 threshold disagreed in "
                + disagreedHalf + " of " + runs + " runs, the real threshold in " + disagreedReal);
        assertThat(disagreedReal).isZero();
        assertThat(disagreedHalf).as("runs that disagreed with a 1/2 threshold").isGreaterThanOrEqualTo(runs * 3 / 4);
    }

    static boolean disagrees(Mutations m, long seed) {
        SeededRandom r = new SeededRandom(seed);
        List<Integer> idx = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6));
        r.shuffle(idx);
        int twin = idx.get(0);
        Set<Integer> a = new TreeSet<>(idx.subList(1, 4));
        Set<Integer> b = new TreeSet<>(idx.subList(4, 7));
        Set<Integer> aWithTwin = new TreeSet<>(a);
        aWithTwin.add(twin);
        Set<Integer> bWithTwin = new TreeSet<>(b);
        bWithTwin.add(twin);
        long split = 0;
        for (int k = 0; k < 40; k++) {
            split += (long) (1000 * Math.pow(1.05, k));
        }
        Scenario s = Scenario.builder(7, seed).network(NetworkModel.CLEAN)
                .byzantine(twin, Behaviours.twins(a))
                .partition(new Partition(0, split, List.of(aWithTwin, bWithTwin)))
                .maxTicks(60).build();
        SimulationResult result = new Simulator(new StreamletteProvider(m), Doubles.insecureCrypto(), s, Map.of()).run();
        if (Boolean.getBoolean("bftkit.debug")) {
            System.out.println(seed + " a=" + a + " b=" + b + " twin=" + twin + " ticks=" + result.decideTick() + " "
                    + result.decisions().values().stream().map(l -> l.isEmpty() ? "-" : new String(l.get(0).value()))
                    .toList());
        }
        return result.violations().stream().anyMatch(v -> v.startsWith("agreement"));
    }
}
