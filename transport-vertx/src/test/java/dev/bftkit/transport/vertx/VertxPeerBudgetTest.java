package dev.bftkit.transport.vertx;

import static dev.bftkit.transport.vertx.Waits.PATIENCE_MS;
import static dev.bftkit.transport.vertx.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What one member can make a node hold in its handlers is budgeted per member, in bytes, whatever the number of
 * connections it opens: real {@code vertx} transports and a raw member on 127.0.0.1, real Ed25519.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VertxPeerBudgetTest {
    private static final InstanceId FLOODED = InstanceId.of("flooded");
    private static final InstanceId OTHER = InstanceId.of("other");
    private static final int FRAME = 1024 * 1024;

    private final Crypto crypto = Plugins.crypto("bc").create();
    private final LoopbackNetwork net = LoopbackNetwork.create(crypto, 3, 42);
    private final List<Thread> writers = new ArrayList<>();

    @AfterEach
    void close() throws InterruptedException {
        net.close();
        for (Thread t : writers) {
            t.interrupt();
            t.join(PATIENCE_MS);
        }
    }

    /**
     * Member 1 fills its budget with requests the handler holds, then opens a new connection (which replaces the
     * first) and floods on: the node reads nothing more of it until the handler answers, so what it holds of member
     * 1 stays below the budget plus one frame, while member 2 is served as usual. Once the handler answers, the
     * node reads member 1's new connection again. Before the budget was kept per member, each connection had one of
     * its own, and a member that reconnected made the node hold a budget more each time.
     */
    @Test
    void aMemberThatReconnectsGetsNoFreshBudgetWhileOthersAreServed() throws Exception {
        TransportLimits limits = new TransportLimits(FRAME, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));
        VertxTransport server = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
        AtomicLong heldFromMember1 = new AtomicLong();
        List<CompletableFuture<byte[]>> held = new ArrayList<>();
        server.serve(FLOODED, (from, request) -> {
            heldFromMember1.addAndGet(request.length);
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            synchronized (held) {
                held.add(answer);
            }
            return answer;
        });
        server.serve(OTHER, (from, request) -> CompletableFuture.completedFuture(request));
        long budget = AcceptorConnection.PEER_BUDGET_BYTES;
        int frames = (int) (budget / FRAME) + 8;

        try (VertxTap first = VertxTap.open(net.config(1, limits), net.id(0))) {
            flood(first, frames);
            eventually("the node holds member 1's budget and stops reading it",
                    () -> heldFromMember1.get() >= budget && server.pausedInboundConnections() == 1);
            try (VertxTap second = VertxTap.open(net.config(1, limits), net.id(0))) {
                awaitClosed(first);
                flood(second, frames);
                eventually("the node stops reading member 1's new connection", () ->
                        server.pausedInboundConnections() == 1);
                assertThat(heldFromMember1.get()).as("bytes of member 1's requests the node's handler holds after "
                        + "member 1 reconnected and sent %d more frames of %d bytes; budget %d", frames, FRAME, budget)
                        .isLessThan(budget + FRAME);

                Transport member2 = net.open(new VertxTransportProvider(), 2, limits);
                byte[] echo = member2.request(net.id(0), OTHER, new byte[] {7}, Duration.ofMillis(PATIENCE_MS))
                        .toCompletableFuture().get(PATIENCE_MS, TimeUnit.MILLISECONDS);
                assertThat(echo).as("member 2's answer while member 1 is held").containsExactly(7);

                long before = heldFromMember1.get();
                synchronized (held) {
                    held.forEach(f -> f.complete(new byte[0]));
                }
                eventually("the node reads member 1's new connection once the handler answered",
                        () -> heldFromMember1.get() > before);
            }
        }
    }

    /** Writes frames of {@link #FRAME} bytes from a thread of its own: the node may stop reading them. */
    private void flood(VertxTap tap, int frames) {
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < frames; i++) {
                    tap.write(Wire.request(i, FLOODED.bytes(), new byte[FRAME]));
                }
            } catch (IOException closed) {
                // the connection was closed: the flood ends
            }
        }, "flooder");
        t.setDaemon(true);
        writers.add(t);
        t.start();
    }

    /** Reads until the node closes the connection (it was replaced by a newer one from the same member). */
    private static void awaitClosed(VertxTap tap) throws IOException {
        tap.socket().setSoTimeout((int) PATIENCE_MS);
        try {
            while (tap.socket().getInputStream().read() >= 0) {
                // nothing is answered on it: the handler holds every request
            }
        } catch (java.net.SocketException reset) {
            // closed by the node
        }
    }
}
