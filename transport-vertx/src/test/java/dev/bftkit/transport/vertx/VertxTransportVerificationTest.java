package dev.bftkit.transport.vertx;

import dev.bftkit.api.spi.Plugins;

/** The kit's transport rules, for the {@code vertx} transport found by name, with {@link VertxTap} as the tap. */
class VertxTransportVerificationTest extends KitRun {
    VertxTransportVerificationTest() {
        super(Plugins.transport("vertx"), VertxTap::open);
    }
}
