package dev.bftkit.transport.vertx;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.TransportVerification;

/** The kit's transport rules, for the {@code vertx} transport found by name. */
class VertxTransportVerificationTest extends TransportVerification {
    @Override
    protected TransportProvider provider() {
        return Plugins.transport("vertx");
    }

    @Override
    protected Crypto crypto() {
        return dev.bftkit.api.spi.Plugins.crypto("bc").create();
    }
}
