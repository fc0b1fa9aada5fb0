package dev.bftkit.conformance.junit;

import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.checks.LogRules;
import java.util.List;

/**
 * The conformance verification for a replicated log: every rule of {@link DeciderVerification} (the log is a Decider
 * that decides an ordered stream of entries, each carrying a batch of values) and the log rules of {@link LogRules}:
 * many values batched into many entries, catch-up after a long crash, rolling restarts. Supply the log's provider,
 * and its own strategies (a lying catch-up peer, for one) through {@link #adversaries()}:
 *
 * <pre>{@code
 * class MyLogVerificationTest extends LogVerification {
 *     protected DeciderProvider provider() { return new LogDeciderProvider(Plugins.decider("streamlette")); }
 *     protected List<Adversary> adversaries() { return LogAdversaries.all(); }
 * }
 * }</pre>
 */
@SuppressWarnings("exports") // JUnit is `requires static`: only plugin tests, which have it, touch this class
public abstract class LogVerification extends DeciderVerification {

    /** For subclasses. */
    protected LogVerification() {
    }

    /** {@return the log rules} */
    @Override
    protected List<DeciderChecks.Rule> moreRules() {
        return LogRules.rules(livenessTicks());
    }
}
