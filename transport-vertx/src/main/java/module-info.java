/** Authenticated pull-gossip request/response over Vert.x TCP: the {@code vertx} transport provider. */
module dev.bftkit.transport.vertx {
    requires dev.bftkit.api;
    requires io.vertx.core;
}
