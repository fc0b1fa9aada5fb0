package dev.bftkit.streamlette;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.conformance.DeciderVerification;

/** Streamlette passes the kit's Decider verification. */
class StreamletteVerificationTest extends DeciderVerification {
    @Override
    protected DeciderProvider provider() {
        return new StreamletteProvider();
    }
}
