package dev.bftkit.transport.vertx;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.AuthenticatedTap;
import dev.bftkit.conformance.TransportVerification;
import java.io.IOException;

/** The kit's transport rules, for the {@code vertx} transport found by name. */
class VertxTransportVerificationTest extends TransportVerification {
    @Override
    protected TransportProvider provider() {
        return Plugins.transport("vertx");
    }

    @Override
    protected Crypto crypto() {
        return Plugins.crypto("bc").create();
    }

    @Override
    protected AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException {
        return VertxTap.open(member, target);
    }
}
