package dev.bftkit.transport.vertx;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.junit.AuthenticatedTap;
import dev.bftkit.conformance.junit.TransportVerification;
import java.io.IOException;

/**
 * The kit's transport rules over a given provider and tap, as a transport author's subclass would be, for tests that
 * call single rules themselves ({@link VertxMutationTest}) and for {@link VertxTransportVerificationTest}. Not a
 * test class itself: its name matches no test pattern.
 */
class KitRun extends TransportVerification {
    /** A tap factory, as {@link TransportVerification#authenticatedTap} takes it. */
    @FunctionalInterface
    interface Taps {
        AuthenticatedTap open(TransportConfig member, NodeId target) throws IOException;
    }

    private final TransportProvider provider;
    private final Taps taps;

    KitRun(TransportProvider provider, Taps taps) {
        this.provider = provider;
        this.taps = taps;
    }

    @Override
    protected TransportProvider provider() {
        return provider;
    }

    @Override
    protected Crypto crypto() {
        return Plugins.crypto("bc").create();
    }

    @Override
    protected AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException {
        return taps.open(member, target);
    }
}
