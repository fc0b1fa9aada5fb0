package dev.bftkit.log;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.junit.LogVerification;
import java.util.List;
import java.util.Map;

/**
 * The log over PARSEC passes the kit's log verification: every Decider rule, the log rules, and a lying catch-up peer. PARSEC
 * runs in its single-vote mode (each node's batches are its own votes) with short segments, small batches and frequent
 * snapshots, so runs cross many segments, prune their entries, and catch up by snapshot.
 */
class LogOverParsecVerificationTest extends LogVerification {
    @Override
    protected DeciderProvider provider() {
        return new LogDeciderProvider(Plugins.decider("parsec")).withStateMachine(self -> new HashingStateMachine());
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("parsec.mode", "single", "log.segmentEntries", "2", "log.checkpointEntries", "2",
                "log.retainEntries", "0",
                "log.maxBatchValues", "4");
    }

    /** The log's own strategy: a peer that lies to members catching up. */
    @Override
    protected List<Adversary> adversaries() {
        return LogAdversaries.all();
    }
}
