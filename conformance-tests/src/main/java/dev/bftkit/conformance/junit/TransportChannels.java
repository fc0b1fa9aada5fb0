package dev.bftkit.conformance.junit;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Transport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * What the transport rules, the plain ones and the adversary ones alike, serve on: the kit's two channels, and the
 * tagged answer that proves which sender a server saw.
 */
final class TransportChannels {
    /** Channel A. */
    static final InstanceId CHANNEL_A = InstanceId.of("kit/transport/a");
    /** Channel B. */
    static final InstanceId CHANNEL_B = InstanceId.of("kit/transport/b");

    private TransportChannels() {
    }

    /** A handler answering {@code from}'s id bytes followed by the request, which proves who the server saw. */
    static Transport.RequestHandler tagged(String tag) {
        byte[] t = tag.getBytes(StandardCharsets.US_ASCII);
        return (from, request) -> CompletableFuture.completedFuture(Bytes.concat(t, from.bytes(), request));
    }

    /** The answer {@link #tagged} gives {@code from} for {@code request}. */
    static byte[] expectTagged(String tag, NodeId from, byte[] request) {
        return Bytes.concat(tag.getBytes(StandardCharsets.US_ASCII), from.bytes(), request);
    }
}
