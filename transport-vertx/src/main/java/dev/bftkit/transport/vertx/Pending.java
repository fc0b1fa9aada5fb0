package dev.bftkit.transport.vertx;

import io.vertx.core.buffer.Buffer;
import java.util.concurrent.CompletableFuture;

/** One outgoing request awaiting its response. Fields other than the finals are touched on the loop only. */
final class Pending {
    final long id;
    final PeerLink link;
    final long timeoutMillis;
    final CompletableFuture<byte[]> future = new CompletableFuture<>();
    /** The encoded request until it is written. */
    Buffer frame;
    long timer = -1;
    DialerConnection sentOn;
    long sentNanos;

    Pending(long id, PeerLink link, long timeoutMillis, Buffer frame) {
        this.id = id;
        this.link = link;
        this.timeoutMillis = timeoutMillis;
        this.frame = frame;
    }
}
