package dev.bftkit.api.spi;

/** Opens a {@link Transport} by plugin name through {@link java.util.ServiceLoader}; see {@link Plugins#transport}. */
public interface TransportProvider {
    /** {@return the provider's plugin name (for example {@code vertx})} */
    String name();

    /**
     * Opens the transport: binds its listening address and is ready to serve and request.
     *
     * @param config identity, addresses, crypto and limits
     * @return the open transport
     * @throws dev.bftkit.api.TransportException if it cannot bind
     */
    Transport open(TransportConfig config);
}
