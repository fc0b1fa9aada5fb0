package dev.bftkit.transport.vertx;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.junit.AuthenticatedTap;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Deliberately broken variants of the {@code vertx} transport for {@link VertxMutationTest}, each a plausible
 * third-party mistake wrapped around the real transport. Test code only.
 */
final class TransportMutants {
    private TransportMutants() {
    }

    /**
     * A transport that trusts an in-frame {@code from}: every request carries its sender's id in front of the
     * payload (one length byte, then the id), and the server hands its handler that id instead of the one its
     * handshake proved. Honest members write their own id there, so everything works until a member writes another.
     */
    static final class TrustsInFrameFrom implements TransportProvider {
        @Override
        public String name() {
            return "vertx-mutant-trusts-in-frame-from";
        }

        @Override
        public Transport open(TransportConfig config) {
            // room for the sender field, so that payloads up to the configured limit still fit
            Transport inner = VertxTransport.open(new TransportConfig(config.self(), config.key(), config.crypto(),
                    config.bind(), config.peers(), config.limits().withMaxFrameBytes(config.limits().maxFrameBytes()
                    + 1 + NodeId.MAX_LENGTH)));
            return new Decorated(inner) {
                @Override
                public void serve(InstanceId channel, RequestHandler handler) {
                    inner.serve(channel, (proven, framed) -> {
                        int n = framed.length == 0 ? 0 : framed[0] & 0xff;
                        if (n == 0 || framed.length < 1 + n) {
                            return CompletableFuture.failedFuture(new IllegalArgumentException("no sender field"));
                        }
                        NodeId claimed = NodeId.of(Arrays.copyOfRange(framed, 1, 1 + n));
                        return handler.handle(claimed, Arrays.copyOfRange(framed, 1 + n, framed.length));
                    });
                }

                @Override
                public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request,
                                                       Duration timeout) {
                    return inner.request(peer, channel, withSender(config.self(), request), timeout);
                }
            };
        }

        private static byte[] withSender(NodeId sender, byte[] payload) {
            return Bytes.concat(new byte[] {(byte) sender.length()}, sender.bytes(), payload);
        }

        /** The mutant's tap: the real handshake, and the claimed sender written where the mutant reads it. */
        static AuthenticatedTap tap(TransportConfig member, NodeId target) throws IOException {
            VertxTap tap = VertxTap.open(member, target);
            return new AuthenticatedTap() {
                @Override
                public Socket socket() {
                    return tap.socket();
                }

                @Override
                public byte[] requestFrame(long requestId, InstanceId channel, byte[] payload, NodeId claimedSender) {
                    return tap.requestFrame(requestId, channel, withSender(claimedSender, payload), claimedSender);
                }
            };
        }
    }

    /**
     * A transport whose {@code request()} waits for room when {@code maxPendingRequests} requests are pending,
     * instead of failing the new one with {@link Kind#OVERLOADED}: it blocks its caller for as long as a peer does
     * not answer.
     */
    static final class WaitsForRoom implements TransportProvider {
        @Override
        public String name() {
            return "vertx-mutant-waits-for-room";
        }

        @Override
        public Transport open(TransportConfig config) {
            Transport inner = VertxTransport.open(config);
            return new Decorated(inner) {
                @Override
                public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request,
                                                       Duration timeout) {
                    while (true) {
                        CompletableFuture<byte[]> stage = inner.request(peer, channel, request, timeout)
                                .toCompletableFuture();
                        if (!overloaded(stage)) {
                            return stage;
                        }
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return stage;
                        }
                    }
                }
            };
        }

        private static boolean overloaded(CompletableFuture<byte[]> stage) {
            try {
                stage.getNow(null);
                return false;
            } catch (CompletionException e) {
                return e.getCause() instanceof TransportException te && te.kind() == Kind.OVERLOADED;
            }
        }
    }

    /** Passes everything to the real transport; a mutant overrides what it breaks. */
    private abstract static class Decorated implements Transport {
        final Transport inner;

        Decorated(Transport inner) {
            this.inner = inner;
        }

        @Override
        public NodeId self() {
            return inner.self();
        }

        @Override
        public void serve(InstanceId channel, RequestHandler handler) {
            inner.serve(channel, handler);
        }

        @Override
        public void unserve(InstanceId channel) {
            inner.unserve(channel);
        }

        @Override
        public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request, Duration timeout) {
            return inner.request(peer, channel, request, timeout);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
