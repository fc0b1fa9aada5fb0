package dev.bftkit.transport.vertx;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.TransportLimits;

/** The kit's transport rules, for the {@code vertx} transport found by name, with {@link VertxTap} as the tap. */
class VertxTransportVerificationTest extends KitRun {
    VertxTransportVerificationTest() {
        super(Plugins.transport("vertx"), VertxTap::open);
    }

    /** Requests are read while less than the peer budget is in the handlers; the last one may be a whole frame. */
    @Override
    protected long maxHeldRequestBytesPerPeer(TransportLimits limits) {
        return AcceptorConnection.PEER_BUDGET_BYTES + limits.maxFrameBytes();
    }
}
