package dev.bftkit.cli;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Transport;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A transport that watches its requests' outcomes and says, once, when a peer cannot be reached (no connection, a
 * failed handshake, a timeout) and, once, when it answers again. Everything else passes straight through.
 */
final class WatchedTransport implements Transport {
    /** Told about peers going unreachable and coming back. */
    interface Watcher {
        /**
         * @param peer the peer
         * @param error why the request failed
         */
        void unreachable(NodeId peer, TransportException error);

        /** @param peer the peer that answered again */
        void reachable(NodeId peer);
    }

    private final Transport delegate;
    private final Watcher watcher;
    private final Set<NodeId> down = ConcurrentHashMap.newKeySet();

    WatchedTransport(Transport delegate, Watcher watcher) {
        this.delegate = delegate;
        this.watcher = watcher;
    }

    @Override
    public NodeId self() {
        return delegate.self();
    }

    @Override
    public void serve(InstanceId channel, RequestHandler handler) {
        delegate.serve(channel, handler);
    }

    @Override
    public void unserve(InstanceId channel) {
        delegate.unserve(channel);
    }

    @Override
    public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request, Duration timeout) {
        CompletionStage<byte[]> reply = delegate.request(peer, channel, request, timeout);
        reply.whenComplete((response, error) -> {
            Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (e == null || e instanceof TransportException t && t.kind() == TransportException.Kind.REMOTE_ERROR) {
                if (down.remove(peer)) {
                    watcher.reachable(peer);
                }
            } else if (e instanceof TransportException t && unreachable(t.kind()) && down.add(peer)) {
                watcher.unreachable(peer, t);
            }
        });
        return reply;
    }

    private static boolean unreachable(TransportException.Kind kind) {
        return kind == TransportException.Kind.UNREACHABLE || kind == TransportException.Kind.AUTHENTICATION
                || kind == TransportException.Kind.TIMEOUT;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
