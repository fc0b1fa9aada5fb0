package dev.bftkit.conformance.checks;

import dev.bftkit.api.Fault;
import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.DeciderProvider.Capability;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.adversary.Behaviour;
import dev.bftkit.conformance.adversary.Behaviours;
import dev.bftkit.conformance.sim.CrashPlan;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Partition;
import dev.bftkit.conformance.sim.Roles;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The Decider conformance rules as plain code (no JUnit): each rule builds a scenario from a committee size and a
 * seed, runs it in the {@link Simulator}, and reports the broken invariants. {@code DeciderVerification} runs them
 * as JUnit tests; the CLI and mutation tests call them directly.
 *
 * <p>Safety rules keep faults up for the whole run and check agreement, validity, integrity, proofs and fault logs.
 * Liveness rules let faults run, then heal the network at a fixed time (Byzantine nodes stay Byzantine, up to
 * ⌊(n−1)/3⌋ of the weight) and also require every honest node to decide within {@link #livenessTicks} ticks.
 */
public final class DeciderChecks {
    /** Healing time in liveness rules, in virtual milliseconds (about 15 ticks of the default clock). */
    public static final long HEAL_AT_MS = ScenarioParts.HEAL_AT_MS;

    /**
     * One rule.
     *
     * @param id the rule id, as in the kit README ({@code required_…} or {@code optional_…})
     * @param description what it checks
     * @param applies which providers it applies to, by capability
     * @param factory the scenario for a committee size and seed
     */
    public record Rule(String id, String description, Predicate<Set<Capability>> applies, ScenarioFactory factory) {
        /** {@return true if the rule is required of every provider it applies to} */
        public boolean required() {
            return id.startsWith("required_");
        }
    }

    /** Builds a rule's scenario. */
    @FunctionalInterface
    public interface ScenarioFactory {
        /**
         * {@return the rule's scenario for a committee of {@code n} nodes and this seed}
         *
         * @param n the committee size
         * @param seed the seed
         */
        Scenario build(int n, long seed);
    }

    /**
     * A rule that failed on one seed.
     *
     * @param rule the rule
     * @param n the committee size
     * @param seed the seed
     * @param violations what broke
     * @param scenario the scenario that broke it
     */
    public record Failure(Rule rule, int n, long seed, List<String> violations, String scenario) {
        /** {@return a readable report} */
        public String report() {
            return rule.id() + " failed for n=" + n + " seed=" + seed + " (" + scenario + "):\n  - "
                    + String.join("\n  - ", violations.subList(0, Math.min(10, violations.size())))
                    + (violations.size() > 10 ? "\n  … " + (violations.size() - 10) + " more" : "");
        }
    }

    private final DeciderProvider provider;
    private final Crypto crypto;
    private final Map<String, String> options;
    private final int livenessTicks;
    private final List<Map<String, String>> misconfigured;
    private final List<Adversary> adversaries;
    private final Swarm swarm;

    /**
     * The rules for one algorithm, with its options and the kit's settings for it, without adversaries of its own.
     *
     * @param provider the algorithm under test
     * @param crypto the suite the simulated nodes use
     * @param options Decider options
     * @param livenessTicks how many ticks after healing every honest node has to decide
     * @param misconfigured option sets that each make a Byzantine node sign messages it is not entitled to (for example
     *     other leader schedules); empty to skip {@code required_byzantine_misconfigured}
     */
    public DeciderChecks(DeciderProvider provider, Crypto crypto, Map<String, String> options, int livenessTicks,
                         List<Map<String, String>> misconfigured) {
        this(provider, crypto, options, livenessTicks, misconfigured, List.of());
    }

    /**
     * The rules for one algorithm, with its options, its own adversaries and the kit's settings for it.
     *
     * @param provider the algorithm under test
     * @param crypto the suite the simulated nodes use
     * @param options Decider options
     * @param livenessTicks how many ticks after healing every honest node has to decide
     * @param misconfigured option sets that each make a Byzantine node sign messages it is not entitled to (for example
     *     other leader schedules); empty to skip {@code required_byzantine_misconfigured}
     * @param adversaries the algorithm's own Byzantine strategies: each gets its rules and joins the swarm
     */
    public DeciderChecks(DeciderProvider provider, Crypto crypto, Map<String, String> options, int livenessTicks,
                         List<Map<String, String>> misconfigured, List<Adversary> adversaries) {
        this.provider = provider;
        this.crypto = crypto;
        this.options = Map.copyOf(options);
        this.livenessTicks = livenessTicks;
        this.misconfigured = List.copyOf(misconfigured);
        this.adversaries = List.copyOf(adversaries);
        this.swarm = new Swarm(provider.capabilities(), adversaries, misconfigured, livenessTicks);
    }

    /** How many seeds a {@code _costs_no_more_than_a_crash} rule compares for each seed it is given. */
    public static final int CRASH_COMPARISON_SEEDS = 24;
    /** How much slower than silence, on average, an adversary that must cost no more than a crash may make a run. */
    public static final double CRASH_COMPARISON_SLACK = 1.10;
    private static final String COSTS_NO_MORE = "_costs_no_more_than_a_crash";

    /** {@return the swarm this algorithm's {@code required_swarm} rule and {@code consensus fuzz} draw from} */
    public Swarm swarm() {
        return swarm;
    }

    /** {@return the algorithm's own adversaries} */
    public List<Adversary> adversaries() {
        return adversaries;
    }

    /** Behaviours that misbehave provably in every response: each such node must be in an honest fault log. */
    static final Set<String> PROVABLE_EACH = Set.of("forger", "garbage", "truncating", "oversized");
    /**
     * Behaviours that misbehave provably only when they get the chance (a replayer's other instance needs a
     * message, a misconfigured node signs out of turn only when one of its schedules makes it leader): at least one
     * such node must be in an honest fault log — a misconfigured one for {@link Fault.Kind#NOT_ENTITLED}.
     */
    static final Set<String> PROVABLE_SOME = Set.of("replayer", "misconfigured");

    /**
     * The network of {@code required_byzantine_stale}: reordering (10–200 ms) but no loss, so every pull is answered
     * well within a phase and no honest node ever has a reason to think a peer unreachable.
     */
    static final NetworkModel TIMELY = new NetworkModel(10, 200, 0, 0);

    /** {@return the tick budget after healing} */
    public int livenessTicks() {
        return livenessTicks;
    }

    /** {@return every rule, in a fixed order} */
    public List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        Predicate<Set<Capability>> all = c -> true;
        rules.add(new Rule("required_liveness_clean_network",
                "all honest, clean network: every node decides, and all agree", all,
                (n, seed) -> base(n, seed).healAt(0).maxTicks(livenessTicks).build()));
        rules.add(new Rule("required_safety_lossy_reordering_network",
                "all honest; 20% loss, 5% duplication, 10–400 ms delays, 5% clock drift, for the whole run", all,
                (n, seed) -> base(n, seed).network(NetworkModel.LOSSY).drift(5).maxTicks(60).build()));
        rules.add(new Rule("required_liveness_after_partitions_heal",
                "random two-sided partitions and loss until healing, then progress", all,
                (n, seed) -> ScenarioParts.partitioned(base(n, seed), n, seed).network(NetworkModel.LOSSY).drift(5)
                        .healAt(HEAL_AT_MS).maxTicks(livenessTicks).build()));
        rules.add(new Rule("required_liveness_f_crashed",
                "⌊(n−1)/3⌋ of the weight silent from the start, clean network: the rest decide", all,
                (n, seed) -> withByzantine(base(n, seed), n, seed, (i, side) -> Behaviours.silent())
                        .healAt(0).maxTicks(livenessTicks).build()));
        rules.add(new Rule("required_liveness_crash_restart",
                "honest nodes crash and restart from their storage during a lossy period, then progress",
                c -> c.contains(Capability.RESTART_FROM_STORAGE),
                (n, seed) -> crashing(base(n, seed), n, seed).network(NetworkModel.LOSSY).healAt(HEAL_AT_MS)
                        .maxTicks(livenessTicks).build()));
        addBehaviourRules(rules, all);
        rules.add(new Rule("required_safety_crash_after_send_with_twins",
                "honest nodes crash right after handing out a response and restart, while equivocating twins run",
                c -> c.contains(Capability.RESTART_FROM_STORAGE), (n, seed) -> crashAfterSend(n, seed)));
        rules.add(new Rule("required_safety_twins_split_committee",
                "the honest nodes split in two halves for 40 ticks while ⌊(n−1)/3⌋ equivocating twins serve both",
                all, (n, seed) -> twinsSplit(n, seed)));
        rules.add(new Rule("required_safety_weighted_committee",
                "random weights 1–10, equivocating twins up to the tolerated weight, lossy network",
                c -> c.contains(Capability.WEIGHTED_COMMITTEE),
                (n, seed) -> weighted(n, seed)));
        addAdversaryRules(rules, all);
        rules.add(new Rule("required_swarm", "a random mix per seed: committee shape and weights, one or more"
                + " Byzantine strategies (the algorithm's adversaries among them), network faults, honest crashes and"
                + " restarts (after the attack too), safety or liveness mode", all,
                (n, seed) -> swarm.run(n, seed).scenario()));
        rules.add(new Rule("required_determinism",
                "the same seed replays to the same trace hash and the same decisions", all,
                (n, seed) -> withByzantine(base(n, seed).network(NetworkModel.LOSSY).drift(5).maxTicks(60), n, seed,
                        (i, side) -> Behaviours.forger()).build()));
        return rules;
    }

    /** The rules of the standard behaviours: ⌊(n−1)/3⌋ of the weight runs each, then the network heals. */
    private void addBehaviourRules(List<Rule> rules, Predicate<Set<Capability>> all) {
        List<String> behaviours = new ArrayList<>(Behaviours.names());
        if (!misconfigured.isEmpty()) {
            behaviours.add("misconfigured");
        }
        for (String behaviour : behaviours) {
            if (behaviour.equals("stale")) {
                rules.add(new Rule("required_byzantine_stale",
                        "⌊(n−1)/3⌋ of the weight answers half the honest nodes only with its first answer to each, "
                                + "on a network that loses nothing (so no honest node finds it unreachable): "
                                + "everyone decides, and all agree", all,
                        (n, seed) -> withByzantine(base(n, seed).network(TIMELY).drift(5).healAt(0)
                                .maxTicks(livenessTicks), n, seed, (i, side) -> Behaviours.stale(side)).build()));
                continue;
            }
            rules.add(new Rule("required_byzantine_" + behaviour,
                    "⌊(n−1)/3⌋ of the weight " + behaviour + ", lossy and partitioned until healing, then progress"
                            + (PROVABLE_EACH.contains(behaviour) ? "; each faulty node is named in an honest fault log"
                            : PROVABLE_SOME.contains(behaviour) ? "; a faulty node is named in an honest fault log"
                            + (behaviour.equals("misconfigured") ? " for NOT_ENTITLED" : "")
                            : ""),
                    all, (n, seed) -> {
                        Scenario.Builder b = base(n, seed).network(NetworkModel.LOSSY).healAt(HEAL_AT_MS)
                                .maxTicks(livenessTicks);
                        if (behaviour.equals("twins") || PROVABLE_SOME.contains(behaviour)) {
                            b = ScenarioParts.partitioned(b, n, seed); // longer runs: more chances to misbehave visibly
                        }
                        return withByzantine(b, n, seed, (i, side) -> behaviour.equals("misconfigured")
                                ? Behaviours.misconfigured(misconfigured) : Behaviours.byName(behaviour, side))
                                .build();
                    }));
        }
    }

    /** The rules of the algorithm's own adversaries. */
    private void addAdversaryRules(List<Rule> rules, Predicate<Set<Capability>> all) {
        for (Adversary a : adversaries) {
            rules.add(new Rule("required_adversary_" + a.name(), a.description() + "; ⌊(n−1)/3⌋ of the weight, lossy"
                    + " and partitioned until healing, honest crashes and restarts during and after the attack, then"
                    + " progress" + (a.accountable() ? "; each faulty node is named in an honest fault log" : ""),
                    all, (n, seed) -> adversarial(a, n, seed)));
            if (a.costsNoMoreThanACrash()) {
                rules.add(new Rule("required_adversary_" + a.name() + COSTS_NO_MORE, a.description()
                        + "; on a clean network, over " + CRASH_COMPARISON_SEEDS + " seeds, the mean tick of the last"
                        + " honest decision stays within 10% of the same seeds' with those members silent", all,
                        (n, seed) -> onCleanNetwork(n, seed, (i, side) -> a.factory().make(i, side))));
            }
        }
    }

    /**
     * {@return the rule with this id}
     *
     * @param id a rule id
     * @throws IllegalArgumentException if there is none
     */
    public Rule rule(String id) {
        return rules().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rule " + id));
    }

    /**
     * Runs one rule on one committee size and seed.
     *
     * @param rule the rule
     * @param n the committee size
     * @param seed the seed
     * @return the failure, if the run broke an invariant
     */
    public Optional<Failure> check(Rule rule, int n, long seed) {
        if (rule.id().endsWith(COSTS_NO_MORE)) {
            return compareWithCrash(rule, n, seed);
        }
        Scenario s = rule.factory().build(n, seed);
        SimulationResult r = new Simulator(provider, crypto, s, options).run();
        List<String> violations = new ArrayList<>(r.violations());
        violations.addAll(LogRules.expectations(rule.id(), s, r));
        for (Adversary a : adversaries) {
            if (rule.id().equals("required_adversary_" + a.name()) && a.accountable()) {
                for (int i : s.byzantine().keySet()) {
                    if (!r.accused().containsKey(i)) {
                        violations.add("accountability: " + a.name() + " node " + i
                                + " is in no honest node's fault log");
                    }
                }
            }
        }
        if (rule.id().startsWith("required_byzantine_")) {
            boolean someAccused = false;
            boolean someProvable = false;
            for (Map.Entry<Integer, Behaviour> b : s.byzantine().entrySet()) {
                String name = b.getValue().name();
                boolean accused = name.equals("misconfigured")
                        ? r.accused().getOrDefault(b.getKey(), Set.of()).contains(Fault.Kind.NOT_ENTITLED)
                        : r.accused().containsKey(b.getKey());
                if (PROVABLE_EACH.contains(name) && !accused) {
                    violations.add("accountability: " + name + " node " + b.getKey()
                            + " is in no honest node's fault log");
                }
                someProvable |= PROVABLE_SOME.contains(name);
                someAccused |= PROVABLE_SOME.contains(name) && accused;
            }
            if (someProvable && !someAccused) {
                violations.add("accountability: no " + s.byzantine().values().iterator().next().name()
                        + " node is in any honest node's fault log");
            }
        }
        if (rule.id().equals("required_determinism")) {
            SimulationResult again = new Simulator(provider, crypto, rule.factory().build(n, seed), options).run();
            if (again.traceHash() != r.traceHash()) {
                violations.add("determinism: trace hash " + Long.toHexString(r.traceHash()) + " then "
                        + Long.toHexString(again.traceHash()) + " for the same seed");
            }
            if (!again.decisions().toString().equals(r.decisions().toString())) {
                violations.add("determinism: different decisions on replay");
            }
        }
        return violations.isEmpty() ? Optional.empty()
                : Optional.of(new Failure(rule, n, seed, violations, s.describe()));
    }

    /**
     * A strategy that must cost no more than a crash: over {@link #CRASH_COMPARISON_SEEDS} seeds drawn from
     * {@code seed}, runs each on a clean network once with the strategy and once with the same members silent, and
     * compares the mean tick of the last honest decision.
     */
    private Optional<Failure> compareWithCrash(Rule rule, int n, long seed) {
        long withAdversary = 0;
        long silent = 0;
        for (int i = 0; i < CRASH_COMPARISON_SEEDS; i++) {
            long s = SeededRandom.mix(seed + i) & Long.MAX_VALUE;
            Scenario adv = rule.factory().build(n, s);
            SimulationResult a = new Simulator(provider, crypto, adv, options).run();
            SimulationResult c = new Simulator(provider, crypto,
                    onCleanNetwork(n, s, (k, side) -> Behaviours.silent()), options).run();
            if (!a.ok() || !c.ok()) {
                List<String> v = new ArrayList<>(a.violations());
                c.violations().forEach(x -> v.add("with the faulty members silent: " + x));
                return Optional.of(new Failure(rule, n, seed, v, "comparison seed " + s + ": " + adv.describe()));
            }
            withAdversary += a.maxDecideTick();
            silent += c.maxDecideTick();
        }
        if (withAdversary > CRASH_COMPARISON_SLACK * silent) {
            return Optional.of(new Failure(rule, n, seed, List.of(String.format(java.util.Locale.ROOT,
                    "liveness cost: the last honest decision came at tick %.2f on average with the adversary,"
                            + " %.2f with the same members silent (%d seeds from %d; at most %.0f%% more allowed)",
                    withAdversary / (double) CRASH_COMPARISON_SEEDS, silent / (double) CRASH_COMPARISON_SEEDS,
                    CRASH_COMPARISON_SEEDS, seed, (CRASH_COMPARISON_SLACK - 1) * 100)),
                    rule.factory().build(n, seed).describe()));
        }
        return Optional.empty();
    }

    private Scenario onCleanNetwork(int n, long seed, BehaviourFor make) {
        return withByzantine(base(n, seed).healAt(0).maxTicks(livenessTicks), n, seed, make).build();
    }

    /** The adversary's rule: lossy and partitioned until healing, honest restarts during and after the attack. */
    private Scenario adversarial(Adversary a, int n, long seed) {
        Scenario.Builder b = ScenarioParts.partitioned(base(n, seed), n, seed).network(NetworkModel.LOSSY).healAt(HEAL_AT_MS)
                .maxTicks(livenessTicks);
        withByzantine(b, n, seed, (i, side) -> a.factory().make(i, side));
        if (provider.capabilities().contains(Capability.RESTART_FROM_STORAGE)) {
            SeededRandom r = new SeededRandom(SeededRandom.mix(seed ^ 0xadf5L));
            for (int i = 0; i < n; i++) {
                if (b.isByzantine(i)) {
                    continue;
                }
                long t = 2_000 + r.nextLong(HEAL_AT_MS);
                long up = t + 200 + r.nextLong(3_000);
                b.crash(new CrashPlan(i, t, up, r.nextInt(2) == 0));
            }
        }
        return b.build();
    }

    /**
     * The seeds a rule runs at a committee size: distinct per rule, size and index, and the same on every run.
     *
     * @param ruleId the rule id
     * @param n the committee size
     * @param count how many
     * @return the seeds
     */
    public static long[] seeds(String ruleId, int n, int count) {
        long base = SeededRandom.seedOf(ruleId.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + 1_000_003L * n;
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = SeededRandom.mix(base + i) & Long.MAX_VALUE;
        }
        return out;
    }

    /** Assigns Byzantine behaviours. */
    @FunctionalInterface
    interface BehaviourFor {
        Behaviour make(int index, Set<Integer> sideA);
    }

    private static Scenario.Builder base(int n, long seed) {
        return Scenario.builder(n, seed);
    }

    /** The tolerated number of faulty nodes for equal weights. */
    static int maxFaulty(int n) {
        return (n - 1) / 3;
    }

    /** {@return ⌊(n−1)/3⌋ faulty indexes, picked by seed} */
    private static List<Integer> faultyIndexes(int n, long seed) {
        return Roles.order(n, new SeededRandom(SeededRandom.mix(seed ^ 0xb12L))).subList(0, maxFaulty(n));
    }

    /** Picks the faulty indexes by seed ({@link #faultyIndexes}); the honest rest split into two sides. */
    private static Scenario.Builder withByzantine(Scenario.Builder b, int n, long seed, BehaviourFor make) {
        List<Integer> faulty = faultyIndexes(n, seed);
        Set<Integer> sideA = ScenarioParts.side(n, seed, faulty);
        for (int i : faulty) {
            b.byzantine(i, make.make(i, sideA));
        }
        return b;
    }

    private static Scenario.Builder crashing(Scenario.Builder b, int n, long seed) {
        SeededRandom r = new SeededRandom(SeededRandom.mix(seed ^ 0xc4a5L));
        for (int i = 0; i < n; i++) {
            int crashes = r.nextInt(3);
            long t = r.nextLong(4_000);
            for (int k = 0; k < crashes && t < HEAL_AT_MS - 2_000; k++) {
                long down = 500 + r.nextLong(5_000);
                long up = Math.min(HEAL_AT_MS - 1, t + down);
                b.crash(new CrashPlan(i, t, up));
                t = up + 500 + r.nextLong(6_000);
            }
        }
        return b;
    }

    private Scenario twinsSplit(int n, long seed) {
        Scenario.Builder b = base(n, seed).network(NetworkModel.LOSSY);
        withByzantine(b, n, seed, (i, side) -> Behaviours.twins(side));
        List<Integer> faulty = faultyIndexes(n, seed);
        Set<Integer> sideA = ScenarioParts.side(n, seed, faulty);
        Set<Integer> sideB = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            if (!sideA.contains(i) && !faulty.contains(i)) {
                sideB.add(i);
            }
        }
        // twins talk to both sides; honest halves cannot reach each other until the split ends
        Set<Integer> withTwinsA = new TreeSet<>(sideA);
        withTwinsA.addAll(faulty);
        Set<Integer> withTwinsB = new TreeSet<>(sideB);
        withTwinsB.addAll(faulty);
        b.partition(new Partition(0, 80_000, List.of(withTwinsA, withTwinsB))); // about 30 growing ticks
        return b.maxTicks(80).build();
    }

    private Scenario crashAfterSend(int n, long seed) {
        Scenario.Builder b = base(n, seed).network(NetworkModel.LOSSY).maxTicks(60);
        withByzantine(b, n, seed, (i, side) -> Behaviours.twins(side));
        SeededRandom r = new SeededRandom(SeededRandom.mix(seed ^ 0xaf7eL));
        for (int i = 0; i < n; i++) {
            if (b.isByzantine(i)) {
                continue;
            }
            long t = r.nextLong(1_000);
            while (t < 40_000) {
                long restart = t + 100 + r.nextLong(900);
                b.crash(new CrashPlan(i, t, restart, true));
                t = restart + 100 + r.nextLong(1_400);
            }
        }
        return b.build();
    }

    private Scenario weighted(int n, long seed) {
        SeededRandom r = new SeededRandom(SeededRandom.mix(seed ^ 0x3e16L));
        long[] w = new long[n];
        for (int i = 0; i < n; i++) {
            w[i] = 1 + r.nextLong(10);
        }
        Scenario.Builder b = base(n, seed).weights(w).network(NetworkModel.LOSSY).maxTicks(60);
        long total = 0;
        for (long x : w) {
            total += x;
        }
        long budget = (total - 1) / 3;
        List<Integer> faulty = new ArrayList<>();
        long used = 0;
        for (int i : Roles.order(n, r)) {
            if (used + w[i] <= budget) {
                faulty.add(i);
                used += w[i];
            }
        }
        Set<Integer> sideA = ScenarioParts.side(n, seed, faulty);
        for (int i : faulty) {
            b.byzantine(i, Behaviours.twins(sideA));
        }
        return b.build();
    }
}
