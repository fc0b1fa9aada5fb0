package dev.bftkit.streamlette;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.conformance.DeciderVerification;
import java.util.Map;

/** Streamlette passes the kit's Decider verification. */
class StreamletteVerificationTest extends DeciderVerification {
    @Override
    protected DeciderProvider provider() {
        return new StreamletteProvider();
    }

    /** A node with another leader schedule signs proposals out of turn. */
    @Override
    protected Map<String, String> misconfiguredOptions() {
        return Map.of("streamlette.leaderSeed", "20261122");
    }
}
