package dev.bftkit.log;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.conformance.junit.LogVerification;
import java.util.List;

/** The log over Streamlette passes the kit's log verification: every Decider rule, the log rules, and a lying catch-up peer. */
class LogOverStreamletteVerificationTest extends LogVerification {
    @Override
    protected DeciderProvider provider() {
        return new LogDeciderProvider(Plugins.decider("streamlette"));
    }

    /** The log's own strategy: a peer that lies to members catching up. */
    @Override
    protected List<Adversary> adversaries() {
        return LogAdversaries.all();
    }
}
