/**
 * Authenticated pull-gossip request/response over Vert.x TCP: the {@code vertx} transport provider. It exports
 * nothing; applications find it by name through {@link dev.bftkit.api.spi.Plugins#transport(String)}.
 */
module dev.bftkit.transport.vertx {
    requires dev.bftkit.api;
    requires io.vertx.core;
    // the transport's counters are a JMX MBean (TransportStats)
    requires java.management;
    // to close a socket at once: Vert.x's own close() first waits for queued writes, forever if the peer stops reading
    requires io.netty.transport;

    provides dev.bftkit.api.spi.TransportProvider with dev.bftkit.transport.vertx.VertxTransportProvider;
}
