package dev.bftkit.parsec;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.junit.DeciderVerification;
import java.util.List;
import java.util.Map;

/**
 * PARSEC passes the kit's Decider verification for the ordered-stream rules. The kit gives each honest node its
 * own values to submit, so PARSEC runs in Single mode, where every node's own votes are decided; in the default
 * Supermajority mode a payload is decided only once more than 2/3 of the voters submitted it.
 */
class ParsecVerificationTest extends DeciderVerification {
    /** The options every simulated PARSEC node gets in the kit's rules. */
    static final Map<String, String> OPTIONS = Map.of("parsec.mode", "single");

    @Override
    protected DeciderProvider provider() {
        return new ParsecDeciderProvider();
    }

    @Override
    protected Map<String, String> options() {
        return OPTIONS;
    }

    /** The rule whose runs reach PARSEC's order-dependence defects (a forker's branches in different orders). */
    static final String ORDER_RULE = "required_safety_crash_after_send_with_twins";
    /** Its seeds at n = 4 in the default run: enough to catch the order-by-insertion mutant ({@link MutationTest}). */
    static final int ORDER_RULE_SEEDS = 25;

    /**
     * {@return the kit's seeds, and {@value #ORDER_RULE_SEEDS} for {@value #ORDER_RULE} at n = 4: an honest node
     * that restarts right after answering, beside a forking twin, sees the twin's branches in another order than its
     * peers; a history that depends on that order shows within these seeds}
     */
    @Override
    protected int seedsFor(DeciderChecks.Rule rule, int n) {
        return rule.id().equals(ORDER_RULE) && n == 4 ? ORDER_RULE_SEEDS : super.seedsFor(rule, n);
    }

    /** PARSEC's own strategies: forks, fork floods, false accusations, withheld parents, a removed peer. */
    @Override
    protected List<Adversary> adversaries() {
        return Adversaries.all();
    }
}
