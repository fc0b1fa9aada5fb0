package dev.bftkit.transport.vertx;

import static dev.bftkit.transport.vertx.Waits.PATIENCE_MS;
import static dev.bftkit.transport.vertx.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import io.vertx.core.buffer.Buffer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backpressure, post-handshake deadlines and dead-connection detection of the {@code vertx} transport, seen from a
 * raw peer that speaks the wire protocol itself (and so can misbehave after authenticating as a member).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VertxWireTest {
    private static final InstanceId CHANNEL = InstanceId.of("backpressure");
    /**
     * A hang detector for close(): far above a prompt close, and below the 15 to 60 s a close that waits for the
     * peer took (until Netty's own shutdown of the event loop, or the transport's 30 s give-ups, ended it).
     */
    private static final long STUCK_SECONDS = 10;

    private final Crypto crypto = dev.bftkit.api.spi.Plugins.crypto("bc").create();
    private final LoopbackNetwork net = LoopbackNetwork.create(crypto, 2, 42);

    @AfterEach
    void close() {
        net.close();
    }

    /** A raw socket authenticated as member 1 towards member 0. */
    private VertxTap member(TransportLimits limits) throws IOException {
        VertxTap tap = VertxTap.open(net.config(1, limits), net.id(0));
        tap.socket().setSoTimeout((int) PATIENCE_MS);
        return tap;
    }

    /**
     * A member that sends requests but never reads the answers fills the server's write queue: the server pauses
     * reading that connection (so it stops calling the handler and buffering answers) and resumes once the member
     * reads; every request is answered, none lost.
     */
    @Test
    void serverPausesReadingWhileAnswersCannotBeWritten() throws Exception {
        TransportLimits limits = new TransportLimits(64 * 1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));
        VertxTransport server = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
        AtomicInteger handled = new AtomicInteger();
        server.serve(CHANNEL, (from, request) -> {
            handled.incrementAndGet();
            return CompletableFuture.completedFuture(new byte[64 * 1024]);
        });
        int requests = 2000;
        try (VertxTap member = member(limits)) {
            for (int id = 1; id <= requests; id++) {
                member.write(Wire.request(id, CHANNEL.bytes(), new byte[100]));
            }
            eventually("the server pauses reading", () -> server.pausedInboundConnections() == 1);
            int atPause = handled.get();
            assertThat(atPause).as("requests handled before pausing (answers are 64 KiB each)")
                    .isLessThan(1024);
            BitSet answered = new BitSet();
            for (int k = 0; k < requests; k++) {
                Wire.Reader response = member.read(Wire.RESPONSE);
                long id = response.u64("id");
                assertThat(response.raw(64 * 1024, "payload")).hasSize(64 * 1024);
                answered.set((int) id);
            }
            assertThat(answered.cardinality()).isEqualTo(requests);
            assertThat(handled.get()).isEqualTo(requests);
            eventually("the server resumes reading", () -> server.pausedInboundConnections() == 0);
        }
    }

    /**
     * A peer that authenticates and then reads nothing leaves our requests queued on the connection we dialed, never
     * to be written. Closing the transport must not wait for them: close() returns promptly (a hang detector), and
     * every request fails with CLOSED.
     */
    @Test
    void closeDoesNotWaitForRequestsAPeerNeverReads() throws Exception {
        TransportLimits limits = new TransportLimits(64 * 1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));
        try (ServerSocket deaf = new ServerSocket()) {
            deaf.setReuseAddress(true);
            deaf.bind(net.address(1));
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    Socket s = deaf.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    authenticateAsMember1(s); // then reads nothing
                } catch (IOException e) {
                    // the test ended
                }
            }, "deaf-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            VertxTransport requester = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
            List<CompletableFuture<byte[]>> requests = new ArrayList<>();
            for (int k = 0; k < 300; k++) {
                requests.add(requester.request(net.id(1), CHANNEL, new byte[64 * 1024], Duration.ofSeconds(60))
                        .toCompletableFuture());
            }
            eventually("the requests fill the write queue of the connection to the deaf peer",
                    () -> requester.writeBlockedOutboundConnections() == 1);
            CompletableFuture<Void> closed = CompletableFuture.runAsync(requester::close);
            assertThat(closed).as("close() of a transport whose peer reads nothing").succeedsWithin(
                    Duration.ofSeconds(STUCK_SECONDS));
            for (CompletableFuture<byte[]> r : requests) {
                assertThat(r).isCompletedExceptionally();
            }
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    /**
     * A member that reads no answer and connects again: its old connection, with answers queued that will never be
     * written, is replaced and really closed (not left open waiting for a flush, holding its buffers).
     */
    @Test
    void replacedConnectionOfAPeerThatReadsNothingIsClosed() throws Exception {
        TransportLimits limits = new TransportLimits(64 * 1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));
        VertxTransport server = stuffedServer(limits);
        try (VertxTap first = member(limits)) {
            stuff(server, first);
            try (VertxTap second = member(limits)) {
                second.write(Wire.request(1, CHANNEL.bytes(), new byte[] {1}));
                assertThat(second.read(Wire.RESPONSE).u64("id")).isEqualTo(1);
                awaitReset(first);
            }
        }
    }

    /**
     * A member sends 2,000 small requests and reads nothing; the handler holds them all, then answers each with
     * 64 KiB (125 MiB in all). What the server queues for that member stays within its budget: at most
     * {@link AcceptorConnection#PEER_BUDGET_BYTES} of answers wait beyond the write queue (allowing 16 MiB more for
     * the two kernels' socket buffers), and the answers beyond are refused with OVERLOADED. Every request gets one
     * or the other.
     */
    @Test
    void answersToAPeerThatReadsNothingAreBoundedInBytes() throws Exception {
        int requests = 2000;
        int answerBytes = 64 * 1024;
        TransportLimits limits = new TransportLimits(answerBytes, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));
        VertxTransport server = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
        List<CompletableFuture<byte[]>> held = new ArrayList<>();
        server.serve(CHANNEL, (from, request) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            synchronized (held) {
                held.add(answer);
            }
            return answer;
        });
        try (VertxTap member = member(limits)) {
            for (int id = 1; id <= requests; id++) {
                member.write(Wire.request(id, CHANNEL.bytes(), new byte[] {1}));
            }
            eventually("the handler holds every request", () -> {
                synchronized (held) {
                    return held.size() == requests;
                }
            });
            synchronized (held) {
                held.forEach(f -> f.complete(new byte[answerBytes]));
            }
            int answered = 0;
            int refused = 0;
            for (int k = 0; k < requests; k++) {
                byte[] body = new byte[member.readLength()];
                member.readFully(body);
                if (body[1] == Wire.RESPONSE) {
                    answered++;
                } else {
                    assertThat(body[1] & 0xff).as("frame type").isEqualTo(Wire.ERROR);
                    refused++;
                }
            }
            long allowed = AcceptorConnection.PEER_BUDGET_BYTES + Connection.WRITE_QUEUE_BYTES + answerBytes + 16L * 1024 * 1024;
            assertThat((long) answered * answerBytes).as("bytes of answers queued for a member that read nothing, "
                    + "of " + requests + " answers of " + answerBytes + " bytes").isLessThanOrEqualTo(allowed);
            assertThat(answered + refused).isEqualTo(requests);
        }
    }

    /** A server whose handler answers every request with 64 KiB. */
    private VertxTransport stuffedServer(TransportLimits limits) {
        VertxTransport server = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
        server.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(new byte[64 * 1024]));
        return server;
    }

    /** Sends requests without reading until the server's answers to them fill its write queue. */
    private static void stuff(VertxTransport server, VertxTap member) throws Exception {
        for (int id = 1; id <= 2000; id++) {
            member.write(Wire.request(id, CHANNEL.bytes(), new byte[100]));
        }
        eventually("the server's write queue to the member fills", () -> server.pausedInboundConnections() == 1);
    }

    /** Writes to the member's socket until it fails: the server closed the connection (and reset it). */
    private static void awaitReset(VertxTap member) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
        try {
            while (System.nanoTime() < deadline) {
                member.write(new byte[] {0});
                Thread.sleep(20);
            }
        } catch (IOException closed) {
            return;
        }
        throw new AssertionError("the server did not close the member's connection within " + PATIENCE_MS + " ms");
    }

    /**
     * After authenticating, a member that starts a frame and never finishes it is cut off by the frame deadline.
     */
    @Test
    void unfinishedFrameAfterHandshakeIsCutOff() throws Exception {
        TransportLimits limits = new TransportLimits(64 * 1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(1));
        net.open(new VertxTransportProvider(), 0, limits).serve(CHANNEL,
                (from, request) -> CompletableFuture.completedFuture(request));
        try (VertxTap member = member(limits)) {
            member.write(Wire.request(1, CHANNEL.bytes(), new byte[] {7}));
            assertThat(member.read(Wire.RESPONSE).u64("id")).isEqualTo(1);
            byte[] partial = Wire.request(2, CHANNEL.bytes(), new byte[1000]).getBytes(0, 40);
            member.write(partial);
            InputStream in = member.socket().getInputStream();
            try {
                assertThat(in.read()).as("end of stream: the server closed the connection").isEqualTo(-1);
            } catch (SocketException reset) {
                // reset by the server: closed too
            }
        }
    }

    /**
     * While the server itself has paused reading (its handlers hold as many of the peer's requests as allowed), a
     * partial frame waiting in its buffer is not cut off by the frame deadline: the stall is the server's own.
     */
    @Test
    void pausedConnectionIsNotCutOffForItsOwnStall() throws Exception {
        Duration deadline = Duration.ofMillis(500);
        TransportLimits limits = new TransportLimits(64 * 1024, 1, Duration.ofSeconds(10), deadline);
        VertxTransport server = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
        CompletableFuture<Void> gate = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        server.serve(CHANNEL, (from, request) -> {
            calls.incrementAndGet();
            return request[0] == 1 ? gate.thenApply(v -> request) : CompletableFuture.completedFuture(request);
        });
        try (VertxTap member = member(limits)) {
            byte[] first = Wire.request(1, CHANNEL.bytes(), new byte[] {1}).getBytes();
            byte[] second = Wire.request(2, CHANNEL.bytes(), new byte[] {2}).getBytes();
            member.write(Bytes.concat(first, Arrays.copyOf(second, 10)));
            eventually("the first request reaches the handler", () -> calls.get() == 1);
            eventually("the server pauses reading", () -> server.pausedInboundConnections() == 1);
            // let several frame deadlines pass while the server holds the first request
            Thread.sleep(deadline.toMillis() * 4);
            gate.complete(null);
            member.write(Arrays.copyOfRange(second, 10, second.length));
            assertThat(member.read(Wire.RESPONSE).u64("id")).isEqualTo(1);
            assertThat(member.read(Wire.RESPONSE).u64("id")).isEqualTo(2);
        }
    }

    /**
     * A peer that authenticates and then goes silent (as a half-open connection does: no error, no bytes) is
     * presumed dead when a request sent on the connection times out with nothing received since: the transport
     * drops the connection and dials afresh for the next request.
     */
    @Test
    void silentConnectionIsReplacedAfterATimeout() throws Exception {
        TransportLimits limits = new TransportLimits(64 * 1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));
        LinkedBlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Socket> endedByRequester = new LinkedBlockingQueue<>();
        AtomicInteger requestsSeen = new AtomicInteger();
        ServerSocket silent = new ServerSocket();
        try {
            silent.setReuseAddress(true);
            silent.bind(net.address(1));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept();
                        accepted.add(s);
                        DataInputStream in = authenticateAsMember1(s);
                        try {
                            while (true) {
                                in.readFully(new byte[in.readInt()]);
                                requestsSeen.incrementAndGet();
                            }
                        } catch (IOException ended) {
                            endedByRequester.add(s);
                        }
                    }
                } catch (IOException e) {
                    // the test closed the server socket
                }
            }, "silent-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            VertxTransport requester = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
            // until one request has certainly left on the connection before timing out
            for (int attempt = 0; attempt < 10 && requestsSeen.get() == 0; attempt++) {
                Throwable failure = requester.request(net.id(1), CHANNEL, new byte[] {1}, Duration.ofSeconds(1))
                        .toCompletableFuture().handle((r, e) -> e).get(PATIENCE_MS, TimeUnit.MILLISECONDS);
                assertThat(failure).isInstanceOf(TransportException.class);
                assertThat(((TransportException) failure).kind()).isEqualTo(TransportException.Kind.TIMEOUT);
            }
            assertThat(requestsSeen.get()).as("requests that reached the silent peer").isPositive();
            assertThat(endedByRequester.poll(PATIENCE_MS, TimeUnit.MILLISECONDS))
                    .as("the silent connection, closed by the requester").isSameAs(accepted.peek());
            requester.request(net.id(1), CHANNEL, new byte[] {2}, Duration.ofSeconds(1));
            eventually("a fresh connection", () -> accepted.size() >= 2);
        } finally {
            silent.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    /**
     * A member that answers a request with a payload over the limit (the frame still within the largest body the
     * wire allows, so only the payload check can catch it) fails that request with FRAME_TOO_LARGE; the response
     * never reaches the requester.
     */
    @Test
    void responseOverTheLimitFailsTheRequest() throws Exception {
        int max = 64 * 1024;
        TransportLimits limits = new TransportLimits(max, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));
        try (ServerSocket byzantine = new ServerSocket()) {
            byzantine.setReuseAddress(true);
            byzantine.bind(net.address(1));
            Thread acceptor = new Thread(() -> {
                try (Socket s = byzantine.accept()) {
                    DataInputStream in = authenticateAsMember1(s);
                    byte[] request = new byte[in.readInt()];
                    in.readFully(request);
                    long id = new Wire.Reader(Buffer.buffer(request), 2, request.length).u64("id");
                    s.getOutputStream().write(Wire.response(id, new byte[max + 1]).getBytes());
                    s.getOutputStream().flush();
                    in.read(); // until the requester closes
                } catch (IOException e) {
                    // the test ended
                }
            }, "byzantine-peer");
            acceptor.setDaemon(true);
            acceptor.start();
            VertxTransport requester = (VertxTransport) net.open(new VertxTransportProvider(), 0, limits);
            Throwable failure = requester.request(net.id(1), CHANNEL, new byte[] {1}, Duration.ofSeconds(30))
                    .toCompletableFuture().handle((r, e) -> e).get(PATIENCE_MS, TimeUnit.MILLISECONDS);
            assertThat(failure).as("the request answered with " + (max + 1) + " bytes").isInstanceOf(
                    TransportException.class);
            assertThat(((TransportException) failure).kind()).isEqualTo(TransportException.Kind.FRAME_TOO_LARGE);
        }
    }

    /** Answers the acceptor's side of the handshake as member 1 (signing without checking the dialer). */
    private DataInputStream authenticateAsMember1(Socket s) throws IOException {
        byte[] ours = Handshake.challenge();
        s.getOutputStream().write(Wire.challenge(ours).getBytes());
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] hello = new byte[in.readInt()];
        in.readFully(hello);
        Wire.Reader r = new Wire.Reader(Buffer.buffer(hello), 2, hello.length);
        NodeId dialer = r.nodeId("id");
        byte[] theirs = r.raw(Wire.CHALLENGE_BYTES, "challenge");
        byte[] signature = net.key(1).sign(Handshake.transcript(Handshake.ACCEPTOR, dialer, net.id(1), theirs, ours));
        s.getOutputStream().write(Wire.accept(signature).getBytes());
        s.getOutputStream().flush();
        return in;
    }
}
