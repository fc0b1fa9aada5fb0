package dev.bftkit.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing the {@code vertx} transport from its own event loop: from a request's callback, and from a handler. Such
 * a close() cannot wait for the shutdown (the shutdown runs on the loop it would block), so it must start it and
 * return; the transport must then really close.
 */
class VertxCloseTest {
    /**
     * How long a close() on the loop may take to return before the test calls it stuck. It returns at once when
     * correct; the bound only has to stay below the transport's own 30 s give-up, so that a close() that blocks the
     * loop until it gives up cannot pass.
     */
    private static final long STUCK_SECONDS = 20;
    private static final long PATIENCE_SECONDS = 60;
    private static final InstanceId CHANNEL = InstanceId.of("close");
    private static final TransportLimits LIMITS =
            new TransportLimits(64 * 1024, 64, Duration.ofSeconds(10), Duration.ofSeconds(10));

    private final Crypto crypto = dev.bftkit.api.spi.Plugins.crypto("bc").create();
    private final LoopbackNetwork net = LoopbackNetwork.create(crypto, 2, 7);

    @AfterEach
    void close() {
        net.close();
    }

    private Transport open(int i) {
        return net.open(new VertxTransportProvider(), i, LIMITS);
    }

    @Test
    void closeInAResponseCallbackReturnsAndClosesTheTransport() throws Exception {
        Transport asker = open(0);
        Transport server = open(1);
        server.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
        CompletableFuture<byte[]> closedInCallback = new CompletableFuture<>();
        asker.request(net.id(1), CHANNEL, new byte[] {1, 2}, Duration.ofSeconds(10)).whenComplete((r, e) -> {
            asker.close();
            closedInCallback.complete(r);
        });

        assertThat(closedInCallback.get(STUCK_SECONDS, TimeUnit.SECONDS)).containsExactly(1, 2);
        assertClosed(asker, 0, server);
    }

    @Test
    void closeInAHandlerReturnsAndClosesTheTransport() throws Exception {
        Transport asker = open(0);
        Transport server = open(1);
        CompletableFuture<Void> closedInHandler = new CompletableFuture<>();
        server.serve(CHANNEL, (from, request) -> {
            server.close();
            closedInHandler.complete(null);
            return CompletableFuture.completedFuture(request);
        });
        CompletionStage<byte[]> answer = asker.request(net.id(1), CHANNEL, new byte[] {3}, Duration.ofSeconds(10));

        closedInHandler.get(STUCK_SECONDS, TimeUnit.SECONDS);
        // the server closed while answering: the answer may or may not have left before its connection closed
        try {
            assertThat(answer.toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS)).containsExactly(3);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TransportException.class);
        }
        assertClosed(server, 1, asker);
    }

    /**
     * The shutdown a close() on the loop started has run: the transport refuses requests, its port refuses the
     * peer; a close() from outside returns, and the port can be bound again.
     */
    private void assertClosed(Transport closed, int index, Transport peer) throws Exception {
        assertThat(kindOf(closed.request(peer.self(), CHANNEL, new byte[] {9}, Duration.ofSeconds(10))))
                .isEqualTo(Kind.CLOSED);
        peer.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
        assertThat(kindOf(peer.request(closed.self(), CHANNEL, new byte[] {9}, Duration.ofSeconds(10))))
                .as("a request to the closed transport's port").isEqualTo(Kind.UNREACHABLE);
        closed.close();
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(net.address(index));
            assertThat(again.getLocalPort()).isEqualTo(net.address(index).getPort());
        } catch (IOException e) {
            throw new AssertionError("the closed transport's port is still taken", e);
        }
    }

    private static Kind kindOf(CompletionStage<byte[]> stage) throws Exception {
        try {
            byte[] unexpected = stage.toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure, got " + unexpected.length + " bytes");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TransportException.class);
            return ((TransportException) e.getCause()).kind();
        }
    }
}
