package dev.bftkit.conformance.example;

import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;

/** Provides the example {@link BlockingSocketTransport} under the name {@code example-socket}. */
public final class BlockingSocketTransportProvider implements TransportProvider {
    @Override
    public String name() {
        return "example-socket";
    }

    @Override
    public Transport open(TransportConfig config) {
        return new BlockingSocketTransport(config);
    }
}
