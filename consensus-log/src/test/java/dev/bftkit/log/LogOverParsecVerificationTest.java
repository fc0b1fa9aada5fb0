package dev.bftkit.log;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.junit.DeciderVerification;
import java.util.Map;

/**
 * The log over PARSEC passes the kit's Decider verification as an ordered stream of every submitted value. PARSEC
 * runs in its single-vote mode (each node's batches are its own votes) with short segments, so runs cross several.
 */
class LogOverParsecVerificationTest extends DeciderVerification {
    @Override
    protected DeciderProvider provider() {
        return new LogDeciderProvider(Plugins.decider("parsec"));
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("parsec.mode", "single", "log.segmentEntries", "2");
    }
}
