package dev.bftkit.streamlette;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.junit.DeciderVerification;
import java.util.List;
import java.util.Map;

/** Streamlette passes the kit's Decider verification. */
class StreamletteVerificationTest extends DeciderVerification {
    @Override
    protected DeciderProvider provider() {
        return new StreamletteProvider();
    }

    /** Streamlette's own strategies: many variants, early leaders, fork votes, late reveals. */
    @Override
    protected List<Adversary> adversaries() {
        return Adversaries.all();
    }

    /** A node with other leader schedules signs proposals out of turn. */
    @Override
    protected List<Map<String, String>> misconfiguredOptions() {
        return MutationTest.MISCONFIGURED;
    }
}
