package dev.bftkit.conformance.checks;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.DeciderProvider.Capability;
import dev.bftkit.conformance.sim.CommitteeChange;
import dev.bftkit.conformance.sim.CrashPlan;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Roles;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The rules a replicated log must pass besides the Decider rules: many values, so that they are batched into many
 * entries (and an ordered-stream inner Decider runs through many segments); a member down for most of the run that
 * must then catch up on everything the others committed; the same for a log that prunes below its snapshots
 * ({@link Capability#CHECKPOINTS}), where the member must restore a peer's snapshot (run such a log with a snapshot
 * every few entries, so that its peers prune within the run); for a log whose committee changes
 * ({@link Capability#COMMITTEE_CHANGES}), a member voted out and back in, which must leave and then catch up; every
 * member crashing and restarting in turn while values keep coming. On every run the simulator checks what it checks of any ordered stream: the same entry at each height
 * on every honest node (prefix agreement), heights handed out in order with none skipped, every submitted value
 * decided and none twice, and every entry's certificate checked with the committee alone (the committee in force
 * at its height, followed through the entries before it).
 */
public final class LogRules {
    /** The rule in which a member must catch up by restoring a peer's snapshot. */
    public static final String SNAPSHOT_CATCH_UP = "required_log_snapshot_catch_up";

    /** When the member down in {@value #SNAPSHOT_CATCH_UP} restarts: long enough for its peers to commit and prune. */
    static final long SNAPSHOT_HEAL_AT_MS = 120_000;

    /** Values each honest node submits in {@code required_log_many_values}. */
    public static final int MANY_VALUES = 25;

    private LogRules() {
    }

    /**
     * {@return the log rules}
     *
     * @param livenessTicks ticks after healing within which every honest node must have every value
     */
    public static List<DeciderChecks.Rule> rules(int livenessTicks) {
        Predicate<Set<Capability>> streams = c -> c.contains(Capability.ORDERED_STREAM)
                && c.contains(Capability.DECIDES_SUBMITTED_VALUES);
        Predicate<Set<Capability>> restarts = streams.and(c -> c.contains(Capability.RESTART_FROM_STORAGE));
        return List.of(
                new DeciderChecks.Rule("required_log_many_values", MANY_VALUES + " values from each honest node, 20% loss"
                        + " and reordering until healing: every value decided once, in one order everywhere", streams,
                        (n, seed) -> Scenario.builder(n, seed).values(MANY_VALUES).network(NetworkModel.LOSSY)
                                .drift(5).healAt(ScenarioParts.HEAL_AT_MS).maxTicks(livenessTicks).build()),
                new DeciderChecks.Rule("required_log_catch_up_after_long_crash", "one honest member down from 0.2 s"
                        + " until healing while the others commit 10 values each, lossy; it restarts and must hold"
                        + " every value", restarts, (n, seed) -> longCrash(n, seed, livenessTicks, 10, NetworkModel.LOSSY,
                                ScenarioParts.HEAL_AT_MS)),
                new DeciderChecks.Rule(SNAPSHOT_CATCH_UP, "one honest member down from 0.2 s until healing at 120 s"
                        + " while the others commit 20 values each and prune below their snapshots; it restarts and must"
                        + " restore a snapshot (its checkpoint verified with the committee alone) and hold every"
                        + " value", restarts.and(c -> c.contains(Capability.CHECKPOINTS)),
                        (n, seed) -> longCrash(n, seed, livenessTicks, 20, NetworkModel.CLEAN,
                                SNAPSHOT_HEAL_AT_MS)),
                new DeciderChecks.Rule("required_log_leave_and_join", "the honest members vote one honest member"
                        + " out of the committee at 2 s and back in at 8 s, lossy until healing: the others go on"
                        + " without it, then it catches up and every value is decided, one order everywhere",
                        streams.and(c -> c.contains(Capability.COMMITTEE_CHANGES)),
                        (n, seed) -> leaveAndJoin(n, seed, livenessTicks)),
                new DeciderChecks.Rule("required_log_rolling_restarts", "every honest member crashes and restarts in"
                        + " turn, one at a time, while values keep being decided; then progress", restarts,
                        (n, seed) -> rolling(n, seed, livenessTicks)));
    }

    /**
     * {@return what a log rule expects of a run beyond the simulator's invariants: in {@value #SNAPSHOT_CATCH_UP}, that
     * the member that was down restored a checkpoint}
     *
     * @param rule the rule's id
     * @param s the scenario that ran
     * @param r its result
     */
    public static List<String> expectations(String rule, Scenario s, SimulationResult r) {
        if (!rule.equals(SNAPSHOT_CATCH_UP)) {
            return List.of();
        }
        int victim = s.crashes().get(0).node();
        return r.checkpoints().getOrDefault(victim, List.of()).isEmpty()
                ? List.of("catch-up: member " + victim + " was down while its peers pruned, and restored no snapshot"
                + " (run the log with a snapshot every few entries)") : List.of();
    }

    private static Scenario longCrash(int n, long seed, int livenessTicks, int values, NetworkModel network,
                                      long healAtMs) {
        int victim = Roles.order(n, new SeededRandom(SeededRandom.mix(seed ^ 0x10c4L))).get(0);
        return Scenario.builder(n, seed).values(values).network(network)
                .crash(new CrashPlan(victim, 200, healAtMs))
                .healAt(healAtMs).maxTicks(livenessTicks).build();
    }

    private static Scenario leaveAndJoin(int n, long seed, int livenessTicks) {
        int victim = Roles.order(n, new SeededRandom(SeededRandom.mix(seed ^ 0x701dL))).get(0);
        Set<Integer> all = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        Set<Integer> without = new TreeSet<>(all);
        without.remove(victim);
        return Scenario.builder(n, seed).values(10).network(NetworkModel.LOSSY)
                .committeeChange(new CommitteeChange(2_000, without)).committeeChange(new CommitteeChange(8_000, all))
                .healAt(ScenarioParts.HEAL_AT_MS).maxTicks(livenessTicks).build();
    }

    private static Scenario rolling(int n, long seed, int livenessTicks) {
        Scenario.Builder b = Scenario.builder(n, seed).values(10).network(NetworkModel.LOSSY);
        long slot = (ScenarioParts.HEAL_AT_MS - 1_000) / n;
        SeededRandom r = new SeededRandom(SeededRandom.mix(seed ^ 0x2011L));
        List<Integer> order = Roles.order(n, r);
        for (int k = 0; k < n; k++) {
            long at = 500 + k * slot + r.nextLong(slot / 4);
            b.crash(new CrashPlan(order.get(k), at, at + slot / 2));
        }
        return b.healAt(ScenarioParts.HEAL_AT_MS).maxTicks(livenessTicks).build();
    }
}
