package dev.bftkit.conformance.checks;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.DeciderProvider.Capability;
import dev.bftkit.conformance.sim.CrashPlan;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Roles;
import dev.bftkit.conformance.sim.Scenario;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The rules a replicated log must pass besides the Decider rules: many values, so that they are batched into many
 * entries (and an ordered-stream inner Decider runs through many segments); a member down for most of the run that
 * must then catch up on everything the others committed; every member crashing and restarting in turn while values
 * keep coming. On every run the simulator checks what it checks of any ordered stream: the same entry at each height
 * on every honest node (prefix agreement), heights handed out in order with none skipped, every submitted value
 * decided and none twice, and every entry's certificate checked with the committee alone.
 */
public final class LogRules {
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
                        + " every value", restarts, (n, seed) -> longCrash(n, seed, livenessTicks)),
                new DeciderChecks.Rule("required_log_rolling_restarts", "every honest member crashes and restarts in"
                        + " turn, one at a time, while values keep being decided; then progress", restarts,
                        (n, seed) -> rolling(n, seed, livenessTicks)));
    }

    private static Scenario longCrash(int n, long seed, int livenessTicks) {
        int victim = Roles.order(n, new SeededRandom(SeededRandom.mix(seed ^ 0x10c4L))).get(0);
        return Scenario.builder(n, seed).values(10).network(NetworkModel.LOSSY)
                .crash(new CrashPlan(victim, 200, ScenarioParts.HEAL_AT_MS))
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
