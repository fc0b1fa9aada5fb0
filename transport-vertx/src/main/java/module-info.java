/**
 * Authenticated pull-gossip request/response over Vert.x TCP: the {@code vertx} transport provider. It exports
 * nothing; applications find it by name through {@link dev.bftkit.api.spi.Plugins#transport(String)}.
 */
module dev.bftkit.transport.vertx {
    requires dev.bftkit.api;
    requires io.vertx.core;

    provides dev.bftkit.api.spi.TransportProvider with dev.bftkit.transport.vertx.VertxTransportProvider;
}
