package dev.bftkit.transport.vertx;

import dev.bftkit.api.NodeId;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CompletableFuture;

/** One outgoing request awaiting its response. Fields other than the finals are touched on the loop only. */
final class Pending {
    /** The connection a request was written on, as the request's completion and timeout see it. On the loop. */
    interface Carrier {
        /** The request finished another way (it timed out, say): stop waiting for its response. */
        void forget(Pending p);

        /**
         * The request timed out: if nothing has arrived since it was written, the connection is presumed dead (a
         * half-open socket never errors) and closed, so that the next request dials afresh.
         */
        void timedOut(Pending p);
    }

    final long id;
    /** The peer it goes to. */
    final NodeId peer;
    final long timeoutMillis;
    final CompletableFuture<byte[]> future = new CompletableFuture<>();
    /** The encoded request until it is written. */
    Buffer frame;
    long timer = -1;
    Carrier sentOn;
    long sentNanos;

    Pending(long id, NodeId peer, long timeoutMillis, Buffer frame) {
        this.id = id;
        this.peer = peer;
        this.timeoutMillis = timeoutMillis;
        this.frame = frame;
    }
}
