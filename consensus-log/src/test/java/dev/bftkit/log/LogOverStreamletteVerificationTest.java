package dev.bftkit.log;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.junit.LogVerification;
import java.util.List;
import java.util.Map;

/** The log over Streamlette passes the kit's log verification: every Decider rule, the log rules, and a lying catch-up peer. */
class LogOverStreamletteVerificationTest extends LogVerification {
    @Override
    protected DeciderProvider provider() {
        return new LogDeciderProvider(Plugins.decider("streamlette")).withStateMachine(self -> new HashingStateMachine());
    }

    /** Frequent snapshots, so that runs prune their entries and catch up by snapshot. */
    @Override
    protected Map<String, String> options() {
        return Map.of("log.checkpointEntries", "2", "log.retainEntries", "0");
    }

    /** The log's own strategy: a peer that lies to members catching up. */
    @Override
    protected List<Adversary> adversaries() {
        return LogAdversaries.all();
    }
}
