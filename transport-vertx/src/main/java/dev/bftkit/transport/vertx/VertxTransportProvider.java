package dev.bftkit.transport.vertx;

import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;

/**
 * The {@code vertx} transport provider: authenticated request/response over Vert.x TCP, one event loop per
 * transport. Found by {@link dev.bftkit.api.spi.Plugins#transport(String)}.
 */
public final class VertxTransportProvider implements TransportProvider {
    /** For {@link java.util.ServiceLoader}. */
    public VertxTransportProvider() {
    }

    @Override
    public String name() {
        return "vertx";
    }

    @Override
    public Transport open(TransportConfig config) {
        return VertxTransport.open(config);
    }
}
