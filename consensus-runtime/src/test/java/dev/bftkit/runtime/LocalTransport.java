package dev.bftkit.runtime;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** An in-memory transport for runtime tests: requests are delivered on a shared "net" thread. */
final class LocalTransport implements Transport {
    private final NodeId self;
    private final Map<NodeId, LocalTransport> network;
    private final ExecutorService net;
    private final Map<InstanceId, RequestHandler> handlers = new ConcurrentHashMap<>();
    volatile boolean closed;

    LocalTransport(NodeId self, Map<NodeId, LocalTransport> network, ExecutorService net) {
        this.self = self;
        this.network = network;
        this.net = net;
        network.put(self, this);
    }

    @Override
    public NodeId self() {
        return self;
    }

    @Override
    public void serve(InstanceId channel, RequestHandler handler) {
        handlers.put(channel, handler);
    }

    @Override
    public void unserve(InstanceId channel) {
        handlers.remove(channel);
    }

    @Override
    public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request, Duration timeout) {
        LocalTransport target = network.get(peer);
        if (target == null) {
            return CompletableFuture.failedFuture(new TransportException(TransportException.Kind.UNKNOWN_PEER, "" + peer));
        }
        return CompletableFuture.supplyAsync(() -> target.handlers.get(channel), net).thenCompose(h -> {
            if (h == null || target.closed) {
                return CompletableFuture.failedFuture(
                        new TransportException(TransportException.Kind.REMOTE_ERROR, "no handler"));
            }
            return h.handle(self, request.clone());
        }).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        network.remove(self);
    }
}
