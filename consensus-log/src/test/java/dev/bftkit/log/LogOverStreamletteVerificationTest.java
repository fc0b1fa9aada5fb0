package dev.bftkit.log;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.junit.DeciderVerification;

/** The log over Streamlette passes the kit's Decider verification as an ordered stream of every submitted value. */
class LogOverStreamletteVerificationTest extends DeciderVerification {
    @Override
    protected DeciderProvider provider() {
        return new LogDeciderProvider(Plugins.decider("streamlette"));
    }
}
