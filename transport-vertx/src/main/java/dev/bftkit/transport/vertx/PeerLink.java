package dev.bftkit.transport.vertx;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Our outgoing side to one peer: at most one {@link DialerConnection}, opened on demand when a request is waiting,
 * and the requests queued until it is open (or while its write queue is full). A failed attempt fails the queued
 * requests and doubles the wait before the next attempt ({@value #FIRST_BACKOFF_MS} ms up to
 * {@value #MAX_BACKOFF_MS} ms); a successful handshake resets it. Runs on the loop only.
 */
final class PeerLink implements DialerConnection.Link {
    /** What a link needs of the transport beyond what its connections do. On the loop. */
    interface Host extends DialerConnection.Host {
        /** @return true while the request has not completed */
        boolean isPending(Pending p);

        /** @return true once the transport is closing */
        boolean isClosed();

        /** @return the transport's Vert.x instance, for timers */
        Vertx vertx();

        /** @return the client connections are dialed with */
        NetClient client();
    }

    static final long FIRST_BACKOFF_MS = 20;
    static final long MAX_BACKOFF_MS = 1000;

    private final Host host;
    private final NodeId id;
    private final InetSocketAddress address;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private DialerConnection connection;
    private boolean connecting;
    private long retryTimer = -1;
    private long backoffMs = FIRST_BACKOFF_MS;
    private long nextAttemptNanos;

    PeerLink(Host host, NodeId id, InetSocketAddress address) {
        this.host = host;
        this.id = id;
        this.address = address;
    }

    @Override
    public NodeId id() {
        return id;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Sends a request now if the connection is open and writable, else queues it and connects if needed.
     *
     * @param p the request
     */
    void submit(Pending p) {
        if (queue.size() >= host.limits().maxPendingRequests()) {
            queue.removeIf(q -> !host.isPending(q));
        }
        queue.add(p);
        flush();
        if (connection == null) {
            connect();
        }
    }

    /** Writes queued requests while the connection is open and its write queue has room. */
    @Override
    public void flush() {
        while (connection != null && connection.isOpen() && !connection.isWriteBlocked() && !queue.isEmpty()) {
            Pending p = queue.poll();
            if (host.isPending(p)) {
                connection.send(p);
            }
        }
    }

    private void connect() {
        if (connecting || connection != null || retryTimer != -1 || host.isClosed()) {
            return;
        }
        long waitNanos = nextAttemptNanos - System.nanoTime();
        if (waitNanos > 0) {
            retryTimer = host.vertx().setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), t -> {
                retryTimer = -1;
                queue.removeIf(q -> !host.isPending(q));
                if (!queue.isEmpty()) {
                    connect();
                }
            });
            return;
        }
        connecting = true;
        long started = System.nanoTime();
        host.client().connect(SocketAddress.inetSocketAddress(address)).onComplete(socket -> {
            connecting = false;
            if (host.isClosed()) {
                socket.close();
                return;
            }
            connection = new DialerConnection(host, this, socket, started);
            connection.start();
        }, error -> {
            connecting = false;
            failed(new TransportException(Kind.UNREACHABLE, "cannot connect to " + id + " at " + address + ": "
                    + error.getMessage()));
        });
    }

    /** The handshake completed. */
    @Override
    public void opened(DialerConnection c) {
        if (c != connection) {
            return;
        }
        backoffMs = FIRST_BACKOFF_MS;
        flush();
    }

    /**
     * A connection closed.
     *
     * @param c the connection
     * @param reason why
     * @param wasOpen whether its handshake had completed
     */
    @Override
    public void lost(DialerConnection c, TransportException reason, boolean wasOpen) {
        if (c != connection) {
            return;
        }
        connection = null;
        if (wasOpen) {
            // a working connection broke: try again soon, for the requests still queued
            nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_BACKOFF_MS);
            queue.removeIf(q -> !host.isPending(q));
            if (!queue.isEmpty()) {
                connect();
            }
        } else {
            failed(reason);
        }
    }

    private void failed(TransportException reason) {
        nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        failQueued(reason);
    }

    /** Fails every queued request and stops retrying; for a failed attempt and for closing. */
    void failQueued(TransportException reason) {
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            host.finish(p, null, reason);
        }
    }

    /** Cancels a scheduled attempt; the transport is closing. */
    void stop() {
        if (retryTimer != -1) {
            host.vertx().cancelTimer(retryTimer);
            retryTimer = -1;
        }
    }
}
