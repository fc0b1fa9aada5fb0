package dev.bftkit.conformance.junit;

import static dev.bftkit.conformance.junit.TransportChannels.expectTagged;
import static dev.bftkit.conformance.junit.TransportChannels.tagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The rules every {@link Transport} must pass, on real sockets on 127.0.0.1. A transport author subclasses it in
 * their own tests, supplies the provider, a real signature suite and {@link #authenticatedTap} (a raw connection its
 * handshake authenticated with a member's key, through which the adversary rules play a Byzantine member), and may
 * override the capability hooks:
 *
 * <pre>
 * class MyTransportTest extends TransportVerification {
 *     protected TransportProvider provider() { return new MyTransportProvider(); }
 *     protected Crypto crypto() { return Plugins.crypto("bc").create(); }
 *     protected AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException {
 *         return MyTap.open(member, target);
 *     }
 * }
 * </pre>
 *
 * <p>Each test's name is its rule id: {@code required_…} rules hold for every transport, {@code optional_…} rules
 * are skipped (not failed) when a capability hook says the transport does not claim them. The kit's README lists
 * the rules. No rule measures speed: every wait is bounded by {@link #patience()} and waits for an outcome, except
 * that the close-from-callback rules give a {@link Transport#close()} called inside a callback 10 s to return, a
 * hang detector for a close() that waits for its own thread, and {@code required_requestNeverBlocksItsCaller} gives
 * a batch of {@link Transport#request} calls 10 s, a hang detector for a request() that blocks.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@SuppressWarnings("exports") // JUnit is `requires static`: only the verifications use it, and their users have it
public abstract class TransportVerification {
    /**
     * How long {@link Transport#close()}, called from inside one of the transport's own callbacks, may take to
     * return before the close-from-callback rules call it stuck. A hang detector, not a speed target: a close()
     * that does not wait for the callback it runs in returns at once, while one that waits for its own thread (joins
     * it, awaits the pool it belongs to) hangs until a give-up of its own, commonly 30 s.
     */
    private static final Duration CLOSE_IN_CALLBACK_BOUND = Duration.ofSeconds(10);
    /** Channel A. */
    protected static final InstanceId CHANNEL_A = TransportChannels.CHANNEL_A;
    /** Channel B. */
    protected static final InstanceId CHANNEL_B = TransportChannels.CHANNEL_B;

    private final List<LoopbackNetwork> networks = new CopyOnWriteArrayList<>();
    private final List<Closeable> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> helpers = new CopyOnWriteArrayList<>();

    /** For subclasses. */
    protected TransportVerification() {
    }

    /** {@return the transport plugin under test} */
    protected abstract TransportProvider provider();

    /** {@return a real signature suite; handshakes on real sockets need real signatures} */
    protected abstract Crypto crypto();

    /**
     * The limits most rules use: 64 KiB frames, 2,048 pending requests, and generous connect and handshake
     * deadlines (10 s) so a loaded machine does not fail honest handshakes.
     *
     * @return the limits
     */
    protected TransportLimits limits() {
        return new TransportLimits(64 * 1024, 2048, Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    /**
     * The handshake deadline of the node under attack in the garbage, truncated-frame and slow-sender rules: short,
     * so those rules end soon.
     *
     * @return the deadline; 2 s by default
     */
    protected Duration attackHandshakeTimeout() {
        return Duration.ofSeconds(2);
    }

    /** {@return the longest the kit waits for any one outcome; 60 s by default} */
    protected Duration patience() {
        return Duration.ofSeconds(60);
    }

    /**
     * Capability: the largest committee the transport claims to serve in one JVM. Below 16, the 16-peer rule is
     * skipped.
     *
     * @return the largest committee; 16 by default
     */
    protected int maxPeers() {
        return 16;
    }

    /**
     * Threads that belong to the JVM or the test runner rather than to a transport, ignored when the kit checks
     * that {@link Transport#close()} ends every thread a transport started.
     *
     * @param thread a thread that appeared while the transports were open
     * @return true if it is shared and may outlive the transports
     */
    protected boolean isSharedJvmThread(Thread thread) {
        String name = thread.getName();
        return name.startsWith("ForkJoinPool.commonPool") || name.startsWith("CompletableFutureDelayScheduler")
                || name.startsWith("Common-Cleaner") || name.startsWith("process reaper")
                || name.startsWith("Attach Listener") || name.startsWith("JFR ") || name.startsWith("surefire")
                || name.startsWith("junit");
    }

    /** {@return the seed of the members' keys and of random payloads; printed by failing rules} */
    protected long seed() {
        return 20_260_705L;
    }

    /**
     * Opens a connection to the node under test as a committee member, authenticates it with the transport's own
     * handshake and the member's key, and hands it to the kit raw: the kit's Byzantine member after its handshake.
     * The adversary rules ({@code required_claimedSenderIsNeverTrusted}, {@code required_memberFrameOverTheLimitIsRefused},
     * {@code required_truncatedFrameIsCutOff}, {@code required_memberRequestFloodIsBounded},
     * {@code required_memberByteFloodIsBounded}) need it; the default throws {@link UnsupportedOperationException},
     * and they fail saying so.
     *
     * <p>Implement it in test sources: open a {@link Socket} to {@code member.peers().get(target)}, run the
     * dialer's side of your handshake on it with {@code member.key()} (package-private handshake and wire code of
     * your transport serve here), and return the socket with your request encoder. The member's own transport is
     * not open; the node under test is configured with it as a peer.
     *
     * @param member the member's configuration: its id, signing key, crypto suite, limits, and every other
     *     member's address in {@link TransportConfig#peers()}
     * @param target the node under test, one of {@code member.peers()}
     * @return the connection, its handshake completed
     * @throws IOException if the connection or its handshake fails
     */
    protected AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException {
        throw new UnsupportedOperationException("authenticatedTap(member, target) is not implemented");
    }

    /**
     * Capability: the most bytes of one peer's request payloads the transport holds unanswered in its handlers at
     * once, under these limits. {@code required_memberByteFloodIsBounded} floods a little more than this (or than
     * {@link TransportLimits#maxPendingRequests()} frames, if fewer) and checks it.
     *
     * @param limits the limits the node under test runs with
     * @return the bound in bytes; by default {@code maxPendingRequests × maxFrameBytes}, which the bound on pending
     *     requests alone implies: state a tighter one if the transport keeps a byte budget per peer
     */
    protected long maxHeldRequestBytesPerPeer(TransportLimits limits) {
        return (long) limits.maxPendingRequests() * limits.maxFrameBytes();
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /**
     * A new network of members whose transports the kit closes after the test.
     *
     * @param size the number of members
     * @return the network
     */
    protected final LoopbackNetwork network(int size) {
        LoopbackNetwork net = LoopbackNetwork.create(crypto(), size, seed() + networks.size());
        networks.add(net);
        return net;
    }

    /**
     * Closes everything the test opened: interrupts its helper threads, closes its sockets, waits up to
     * {@link #patience()} for each helper to end, and closes its networks.
     *
     * @throws InterruptedException if the test thread is interrupted while it waits for a helper
     */
    @AfterEach
    public final void closeEverything() throws InterruptedException {
        for (Thread t : helpers) {
            t.interrupt();
        }
        for (Closeable s : sockets) {
            closeQuietly(s);
        }
        for (Thread t : helpers) {
            t.join(patience().toMillis());
        }
        for (LoopbackNetwork net : networks) {
            net.close();
        }
    }

    private static void closeQuietly(Closeable s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** Closes a socket (or anything else) the test opened when the test ends. */
    private void own(Closeable socket) {
        sockets.add(socket);
    }

    /**
     * Starts a daemon helper thread that the test interrupts and waits for when it ends.
     *
     * @return the started thread
     */
    private Thread startHelper(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        helpers.add(t);
        t.start();
        return t;
    }

    /** The adversary rules' bodies, run against this verification's hooks and helpers. */
    private TransportAttacks attacks() {
        return new TransportAttacks(new AttackKit());
    }

    private static Transport.RequestHandler echo() {
        return (from, request) -> CompletableFuture.completedFuture(request);
    }

    /**
     * Waits for a response.
     *
     * @param stage the request's stage
     * @return its response
     */
    protected final byte[] await(CompletionStage<byte[]> stage) {
        try {
            return stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            throw new AssertionError("the request failed: " + e.getCause() + " (seed " + seed() + ")", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the request did not complete within " + patience() + " (seed " + seed() + ")");
        }
    }

    /**
     * Waits for a request to fail and checks that it failed with a {@link TransportException}.
     *
     * @param stage the request's stage
     * @return the failure
     */
    protected final TransportException failure(CompletionStage<byte[]> stage) {
        return failure(stage, "the request should fail");
    }

    /**
     * Waits for a request to fail and checks that it failed with a {@link TransportException}.
     *
     * @param stage the request's stage
     * @param expectation what was expected and of which side, for the failure message
     * @return the failure
     */
    protected final TransportException failure(CompletionStage<byte[]> stage, String expectation) {
        try {
            byte[] response = stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError(expectation + "; it succeeded with a response of " + response.length
                    + " bytes (seed " + seed() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertThat(cause).as("%s with a TransportException", expectation).isInstanceOf(TransportException.class);
            return (TransportException) cause;
        } catch (TimeoutException e) {
            throw new AssertionError(expectation + "; it neither failed nor succeeded within " + patience());
        }
    }

    private void assertKind(CompletionStage<byte[]> stage, Kind... kinds) {
        assertKind(stage, "the request should fail with " + java.util.Arrays.toString(kinds), kinds);
    }

    private void assertKind(CompletionStage<byte[]> stage, String expectation, Kind... kinds) {
        TransportException e = failure(stage, expectation);
        assertThat(e.kind()).as("%s; the kind of the failure (%s)", expectation, e.getMessage())
                .isIn((Object[]) kinds);
    }

    /**
     * Polls a condition until it holds or {@link #patience()} runs out, for outcomes that have no event to wait on.
     *
     * @param what the outcome, for the failure message
     * @param condition the outcome
     */
    protected final void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + patience().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + patience() + ": " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    private byte[] random(int length, long salt) {
        byte[] out = new byte[length];
        new Random(seed() * 31 + salt).nextBytes(out);
        return out;
    }

    private Duration requestTimeout() {
        return patience();
    }

    private void exchange(List<Transport> ts, LoopbackNetwork net) {
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < ts.size(); i++) {
            for (int j = 0; j < ts.size(); j++) {
                if (i == j) {
                    continue;
                }
                for (InstanceId channel : List.of(CHANNEL_A, CHANNEL_B)) {
                    String tag = channel == CHANNEL_A ? "a" : "b";
                    byte[] request = random(1 + (i * 7 + j) % 200, i * 1000L + j);
                    futures.add(ts.get(i).request(net.id(j), channel, request, requestTimeout()).toCompletableFuture());
                    expected.add(expectTagged(tag, net.id(i), request));
                }
            }
        }
        for (int k = 0; k < futures.size(); k++) {
            assertThat(await(futures.get(k))).as("response %d: tag, the requester's authenticated id, the request", k)
                    .isEqualTo(expected.get(k));
        }
    }

    private List<Transport> openServing(LoopbackNetwork net, TransportLimits limits) {
        List<Transport> ts = net.openAll(provider(), limits);
        for (Transport t : ts) {
            t.serve(CHANNEL_A, tagged("a"));
            t.serve(CHANNEL_B, tagged("b"));
        }
        return ts;
    }

    // --------------------------------------------------------------------------------------------------- rules

    /** Every member requests from every other on two channels; each answer names the requester the server saw. */
    @Test
    public void required_requestResponseAmongFourPeers() {
        LoopbackNetwork net = network(4);
        List<Transport> ts = openServing(net, limits());
        for (int i = 0; i < ts.size(); i++) {
            assertThat(ts.get(i).self()).isEqualTo(net.id(i));
        }
        exchange(ts, net);
        // an empty request is a request too
        assertThat(await(ts.get(0).request(net.id(1), CHANNEL_A, new byte[0], requestTimeout())))
                .isEqualTo(expectTagged("a", net.id(0), new byte[0]));
    }

    /** The same among 16 members (skipped if {@link #maxPeers()} is below 16). */
    @Test
    public void optional_requestResponseAmongSixteenPeers() {
        Assumptions.assumeTrue(maxPeers() >= 16, "the transport claims at most " + maxPeers() + " peers");
        LoopbackNetwork net = network(16);
        exchange(openServing(net, limits()), net);
    }

    /**
     * 1,000 requests from one member to another are in flight at once: the server answers none until it holds all
     * of them, then answers them in reverse order, and each response reaches its own request.
     */
    @Test
    public void required_thousandConcurrentRequestsInFlight() {
        int count = 1000;
        LoopbackNetwork net = network(2);
        List<Transport> ts = net.openAll(provider(), limits());
        List<CompletableFuture<byte[]>> held = new ArrayList<>();
        List<byte[]> heldRequests = new ArrayList<>();
        ts.get(1).serve(CHANNEL_A, (from, request) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            List<Runnable> release = new ArrayList<>();
            synchronized (held) {
                held.add(answer);
                heldRequests.add(request);
                if (held.size() == count) {
                    for (int k = count - 1; k >= 0; k--) {
                        CompletableFuture<byte[]> f = held.get(k);
                        byte[] r = heldRequests.get(k);
                        release.add(() -> f.complete(Bytes.concat(r, r)));
                    }
                }
            }
            release.forEach(Runnable::run);
            return answer;
        });
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            byte[] request = ByteBuffer.allocate(8).putInt(k).putInt(~k).array();
            futures.add(ts.get(0).request(net.id(1), CHANNEL_A, request, requestTimeout()).toCompletableFuture());
        }
        for (int k = 0; k < count; k++) {
            byte[] request = ByteBuffer.allocate(8).putInt(k).putInt(~k).array();
            byte[] response;
            try {
                response = await(futures.get(k));
            } catch (AssertionError e) {
                synchronized (held) {
                    throw new AssertionError("request " + k + " failed; the server held " + held.size() + " of "
                            + count + " at once", e);
                }
            }
            assertThat(response).as("response to request %d", k).isEqualTo(Bytes.concat(request, request));
        }
    }

    /** A request and a response of exactly {@link TransportLimits#maxFrameBytes()} bytes pass. */
    @Test
    public void required_frameAtTheLimitPasses() {
        LoopbackNetwork net = network(2);
        List<Transport> ts = net.openAll(provider(), limits());
        ts.get(1).serve(CHANNEL_A, echo());
        byte[] request = random(limits().maxFrameBytes(), 1);
        assertThat(await(ts.get(0).request(net.id(1), CHANNEL_A, request, requestTimeout()))).isEqualTo(request);
    }

    /**
     * A request one byte over the limit fails with {@link Kind#FRAME_TOO_LARGE}, and so does a response one byte
     * over; the transports keep working afterwards, on the same pair.
     */
    @Test
    public void required_frameOneByteOverFailsCleanly() {
        LoopbackNetwork net = network(2);
        List<Transport> ts = net.openAll(provider(), limits());
        int max = limits().maxFrameBytes();
        ts.forEach(t -> t.serve(CHANNEL_A, echo()));
        ts.get(1).serve(CHANNEL_B, (from, request) -> CompletableFuture.completedFuture(new byte[max + 1]));
        assertThat(await(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {1}, requestTimeout())))
                .isEqualTo(new byte[] {1});
        assertKind(ts.get(0).request(net.id(1), CHANNEL_A, new byte[max + 1], requestTimeout()), Kind.FRAME_TOO_LARGE);
        assertKind(ts.get(0).request(net.id(1), CHANNEL_B, new byte[] {2}, requestTimeout()), Kind.FRAME_TOO_LARGE);
        byte[] full = random(max, 2);
        assertThat(await(ts.get(0).request(net.id(1), CHANNEL_A, full, requestTimeout()))).isEqualTo(full);
        assertThat(await(ts.get(1).request(net.id(0), CHANNEL_A, new byte[0], requestTimeout())).length).isZero();
    }

    /** A request to a node that is not a configured peer, or to ourselves, fails with {@link Kind#UNKNOWN_PEER}. */
    @Test
    public void required_unknownPeerIsRefused() {
        LoopbackNetwork net = network(2);
        List<Transport> ts = openServing(net, limits());
        NodeId stranger = LoopbackNetwork.key(crypto(), seed() ^ 0x5eedL).publicKey().nodeId();
        assertKind(ts.get(0).request(stranger, CHANNEL_A, new byte[] {1}, requestTimeout()), Kind.UNKNOWN_PEER);
        assertKind(ts.get(0).request(net.id(0), CHANNEL_A, new byte[] {1}, requestTimeout()), Kind.UNKNOWN_PEER);
        assertThat(await(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {1}, requestTimeout()))).isNotEmpty();
    }

    /** A handler that never answers makes the request fail with {@link Kind#TIMEOUT}; other channels still work. */
    @Test
    public void required_requestTimesOut() {
        LoopbackNetwork net = network(2);
        List<Transport> ts = net.openAll(provider(), limits());
        ts.get(1).serve(CHANNEL_A, (from, request) -> new CompletableFuture<>());
        ts.get(1).serve(CHANNEL_B, echo());
        assertKind(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {1}, Duration.ofMillis(300)), Kind.TIMEOUT);
        assertThat(await(ts.get(0).request(net.id(1), CHANNEL_B, new byte[] {2}, requestTimeout())))
                .isEqualTo(new byte[] {2});
    }

    /**
     * With {@link TransportLimits#maxPendingRequests()} requests awaiting answers, one more fails with
     * {@link Kind#OVERLOADED} while the others stay pending; closing the transport fails them with
     * {@link Kind#CLOSED}, and so does any request after closing.
     */
    @Test
    public void required_pendingRequestsAreBoundedAndFailOnClose() {
        LoopbackNetwork net = network(2);
        TransportLimits small = new TransportLimits(limits().maxFrameBytes(), 8, limits().connectTimeout(),
                limits().handshakeTimeout());
        List<Transport> ts = net.openAll(provider(), small);
        AtomicInteger arrived = new AtomicInteger();
        ts.get(1).serve(CHANNEL_A, (from, request) -> {
            arrived.incrementAndGet();
            return new CompletableFuture<>();
        });
        List<CompletableFuture<byte[]>> held = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            held.add(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {(byte) k}, requestTimeout())
                    .toCompletableFuture());
        }
        eventually("8 requests of member 0 reach member 1's handler", () -> arrived.get() == 8);
        assertKind(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {9}, requestTimeout()), "member 0 (the caller "
                + "under test) has 8 requests pending and maxPendingRequests = 8: a 9th must fail at once",
                Kind.OVERLOADED);
        assertThat(held).as("member 0's 8 requests within maxPendingRequests = 8: still pending, neither failed nor "
                + "answered").noneMatch(CompletableFuture::isDone);
        ts.get(0).close();
        for (CompletableFuture<byte[]> f : held) {
            assertThat(failure(f, "member 0 closed with this request pending: it must fail").kind())
                    .as("the failure of a request pending when member 0 closed").isEqualTo(Kind.CLOSED);
        }
        assertKind(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {10}, requestTimeout()), "member 0 is closed: "
                + "a request must fail", Kind.CLOSED);
    }

    /**
     * A server holds at most {@link TransportLimits#maxPendingRequests()} unanswered requests of one peer in its
     * handlers at once, however many that peer sends: the rest wait (a slow handler cannot make the server buffer
     * without bound) and are all served, correctly, as the handler catches up.
     *
     * @throws InterruptedException if interrupted
     */
    @Test
    public void required_serverBoundsOnePeersUnansweredRequests() throws InterruptedException {
        int bound = 16;
        int total = 200;
        LoopbackNetwork net = network(2);
        Transport server = net.open(provider(), 0, new TransportLimits(limits().maxFrameBytes(), bound,
                limits().connectTimeout(), limits().handshakeTimeout()));
        Transport client = net.open(provider(), 1, limits());
        List<CompletableFuture<byte[]>> held = new ArrayList<>();
        List<byte[]> heldRequests = new ArrayList<>();
        AtomicInteger most = new AtomicInteger();
        server.serve(CHANNEL_A, (from, request) -> {
            CompletableFuture<byte[]> answer = new CompletableFuture<>();
            synchronized (held) {
                held.add(answer);
                heldRequests.add(request);
                most.accumulateAndGet(held.size(), Math::max);
                held.notifyAll();
            }
            return answer;
        });
        // answers in batches: as soon as the bound is reached, or after a quiet moment (for smaller bounds)
        Thread releaser = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    List<Runnable> release = new ArrayList<>();
                    synchronized (held) {
                        if (held.size() < bound) {
                            held.wait(50);
                        }
                        for (int k = 0; k < held.size(); k++) {
                            CompletableFuture<byte[]> f = held.get(k);
                            byte[] r = heldRequests.get(k);
                            release.add(() -> f.complete(r));
                        }
                        held.clear();
                        heldRequests.clear();
                    }
                    release.forEach(Runnable::run);
                }
            } catch (InterruptedException e) {
                // the test ended
            }
        }, "kit-releaser");
        releaser.setDaemon(true);
        helpers.add(releaser);
        releaser.start();
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int k = 0; k < total; k++) {
            futures.add(client.request(net.id(0), CHANNEL_A, ByteBuffer.allocate(4).putInt(k).array(),
                    requestTimeout()).toCompletableFuture());
        }
        for (int k = 0; k < total; k++) {
            assertThat(await(futures.get(k))).isEqualTo(ByteBuffer.allocate(4).putInt(k).array());
        }
        assertThat(most.get()).as("the most unanswered requests of one peer in the server's handlers at once")
                .isBetween(1, bound);
    }

    /**
     * A peer that closes and comes back on the same address is reached again: requests to it fail while it is
     * down and succeed once it is back, in both directions.
     */
    @Test
    public void required_peerThatGoesDownAndComesBackIsReachedAgain() {
        LoopbackNetwork net = network(3);
        List<Transport> ts = openServing(net, limits());
        assertThat(await(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {1}, requestTimeout()))).isNotEmpty();
        assertThat(await(ts.get(1).request(net.id(0), CHANNEL_A, new byte[] {1}, requestTimeout()))).isNotEmpty();
        ts.get(1).close();
        failure(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {2}, Duration.ofSeconds(5)));
        assertThat(await(ts.get(0).request(net.id(2), CHANNEL_A, new byte[] {3}, requestTimeout())))
                .as("an unaffected peer").isNotEmpty();
        Transport back = net.open(provider(), 1, limits());
        back.serve(CHANNEL_A, tagged("a"));
        AtomicReference<byte[]> answer = new AtomicReference<>();
        eventually("a request to the restarted peer succeeds", () -> {
            try {
                answer.set(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {4}, Duration.ofSeconds(5))
                        .toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS));
                return true;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        });
        assertThat(answer.get()).isEqualTo(expectTagged("a", net.id(0), new byte[] {4}));
        assertThat(await(back.request(net.id(0), CHANNEL_A, new byte[] {5}, requestTimeout())))
                .isEqualTo(expectTagged("a", net.id(1), new byte[] {5}));
    }

    /**
     * A handler that throws, one whose stage fails, and a channel nobody serves all give the requester
     * {@link Kind#REMOTE_ERROR}; the server keeps serving, on the same connection.
     */
    @Test
    public void required_failingHandlerGivesRemoteErrorAndServerKeepsServing() {
        LoopbackNetwork net = network(2);
        List<Transport> ts = net.openAll(provider(), limits());
        ts.get(1).serve(CHANNEL_A, (from, request) -> {
            throw new IllegalStateException("handler blew up");
        });
        ts.get(1).serve(CHANNEL_B, (from, request) -> CompletableFuture.failedFuture(new IOException("stage failed")));
        InstanceId unserved = InstanceId.of("kit/transport/unserved");
        InstanceId working = InstanceId.of("kit/transport/working");
        ts.get(1).serve(working, echo());
        for (int round = 0; round < 3; round++) {
            assertKind(ts.get(0).request(net.id(1), CHANNEL_A, new byte[] {1}, requestTimeout()), Kind.REMOTE_ERROR);
            assertKind(ts.get(0).request(net.id(1), CHANNEL_B, new byte[] {1}, requestTimeout()), Kind.REMOTE_ERROR);
            assertKind(ts.get(0).request(net.id(1), unserved, new byte[] {1}, requestTimeout()), Kind.REMOTE_ERROR);
            assertThat(await(ts.get(0).request(net.id(1), working, new byte[] {7}, requestTimeout())))
                    .isEqualTo(new byte[] {7});
        }
        ts.get(1).unserve(working);
        assertKind(ts.get(0).request(net.id(1), working, new byte[] {1}, requestTimeout()), Kind.REMOTE_ERROR);
    }

    private List<Transport> attackTarget(LoopbackNetwork net) {
        TransportLimits strict = new TransportLimits(limits().maxFrameBytes(), limits().maxPendingRequests(),
                limits().connectTimeout(), attackHandshakeTimeout());
        List<Transport> ts = new ArrayList<>();
        List<Transport> opened = net.openAll(provider(), strict);
        ts.addAll(opened);
        for (Transport t : ts) {
            t.serve(CHANNEL_A, tagged("a"));
        }
        return ts;
    }

    private Socket rawSocket(InetSocketAddress target) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.connect(target, (int) patience().toMillis());
        s.setSoTimeout((int) patience().toMillis());
        return s;
    }

    /** Reads until the server closes the connection (end of stream or reset); fails after {@link #patience()}. */
    private void awaitClosedByServer(Socket s, String what) {
        byte[] sink = new byte[4096];
        try {
            InputStream in = s.getInputStream();
            while (in.read(sink) != -1) {
                // a server may answer before it closes; keep reading
            }
        } catch (SocketTimeoutException e) {
            fail("the server did not close the connection within " + patience() + " after " + what);
        } catch (SocketException e) {
            // reset by the server: closed
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Requests between the attacked node and its peers, both ways. The first round runs before the attack, so the
     * honest handshakes are done before the attacked node's short handshake deadline could matter to them.
     */
    private void othersUnaffected(List<Transport> ts, LoopbackNetwork net, int round) {
        byte[] request = {(byte) round};
        assertThat(await(ts.get(1).request(net.id(0), CHANNEL_A, request, requestTimeout())))
                .isEqualTo(expectTagged("a", net.id(1), request));
        assertThat(await(ts.get(0).request(net.id(2), CHANNEL_A, request, requestTimeout())))
                .isEqualTo(expectTagged("a", net.id(0), request));
    }

    /**
     * Garbage bytes on a raw socket (an HTTP request, then seeded random bytes) get the connection closed; the
     * attacked node keeps serving its peers.
     *
     * @throws IOException if the raw socket cannot connect
     */
    @Test
    public void required_garbageBytesAreCutOff() throws IOException {
        LoopbackNetwork net = network(3);
        List<Transport> ts = attackTarget(net);
        othersUnaffected(ts, net, 0);
        Socket http = rawSocket(net.address(0));
        http.getOutputStream().write("GET / HTTP/1.1\r\nHost: bftkit\r\n\r\n".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        Socket noise = rawSocket(net.address(0));
        noise.getOutputStream().write(random(4096, 3));
        othersUnaffected(ts, net, 1);
        awaitClosedByServer(http, "an HTTP request");
        awaitClosedByServer(noise, "4 KiB of random bytes");
        othersUnaffected(ts, net, 2);
    }

    /**
     * A committee member that authenticated (through {@link #authenticatedTap}) sends a request frame without its
     * last byte and keeps the connection open: the attacked node cuts it off by its own deadline (with the handshake
     * deadline {@link #attackHandshakeTimeout()}) and never hands the request to a handler; its peers are unaffected.
     */
    @Test
    public void required_truncatedFrameIsCutOff() {
        attacks().truncatedFrameIsCutOff();
    }

    /**
     * A peer that sends one byte a second and never finishes its handshake is cut off after the handshake deadline;
     * the attacked node keeps serving its peers meanwhile.
     *
     * @throws IOException if the raw socket cannot connect
     */
    @Test
    public void required_slowSenderIsCutOff() throws IOException {
        LoopbackNetwork net = network(3);
        List<Transport> ts = attackTarget(net);
        othersUnaffected(ts, net, 0);
        Socket s = rawSocket(net.address(0));
        OutputStream out = s.getOutputStream();
        startHelper("kit-slow-sender", () -> {
            try {
                for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                    out.write(i == 3 ? 40 : 1);
                    out.flush();
                    Thread.sleep(1000);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection, or the test ended
            }
        });
        othersUnaffected(ts, net, 1);
        awaitClosedByServer(s, "one byte a second");
        othersUnaffected(ts, net, 2);
    }

    /**
     * A key outside the peers cannot get a request served: its requests fail and the handler never sees them.
     */
    @Test
    public void required_nonMemberIsRefused() {
        LoopbackNetwork net = network(2);
        List<Transport> ts = net.openAll(provider(), limits());
        List<NodeId> seen = new CopyOnWriteArrayList<>();
        ts.get(0).serve(CHANNEL_A, (from, request) -> {
            seen.add(from);
            return CompletableFuture.completedFuture(request);
        });
        SigningKey outsider = LoopbackNetwork.key(crypto(), seed() ^ 0x0575_1deL);
        Transport stranger = net.open(provider(), new TransportConfig(outsider.publicKey().nodeId(), outsider,
                crypto(), LoopbackNetwork.freeLoopbackAddress(), Map.of(net.id(0), net.address(0)), limits()));
        failure(stranger.request(net.id(0), CHANNEL_A, new byte[] {1}, Duration.ofSeconds(10)));
        assertThat(await(ts.get(1).request(net.id(0), CHANNEL_A, new byte[] {2}, requestTimeout())))
                .isEqualTo(new byte[] {2});
        assertThat(seen).as("ids the handler served").containsExactly(net.id(1));
    }

    /**
     * A node that knows only a member's public key cannot pass as that member: the requests it sends under the
     * member's id are never served, and a member that dials it believing it is the member fails with
     * {@link Kind#AUTHENTICATION} without sending the request.
     */
    @Test
    public void required_impersonationIsRefused() {
        LoopbackNetwork net = network(3);
        List<Transport> ts = net.openAll(provider(), limits());
        List<NodeId> seenBy0 = new CopyOnWriteArrayList<>();
        ts.get(0).serve(CHANNEL_A, (from, request) -> {
            seenBy0.add(from);
            return CompletableFuture.completedFuture(request);
        });
        // the impostor claims member 1's id and public key but signs with a key of its own
        SigningKey own = LoopbackNetwork.key(crypto(), seed() ^ 0x1a2b3cL);
        SigningKey forged = new ForgedKey(net.key(1).publicKey(), own);
        InetSocketAddress impostorAddress = LoopbackNetwork.freeLoopbackAddress();
        Transport impostor = net.open(provider(), new TransportConfig(net.id(1), forged, crypto(), impostorAddress,
                Map.of(net.id(0), net.address(0), net.id(2), net.address(2)), limits()));
        AtomicInteger impostorServed = new AtomicInteger();
        impostor.serve(CHANNEL_A, (from, request) -> {
            impostorServed.incrementAndGet();
            return CompletableFuture.completedFuture(request);
        });
        failure(impostor.request(net.id(0), CHANNEL_A, new byte[] {1}, Duration.ofSeconds(10)), "an impostor that "
                + "claims member 1's id but cannot sign for it sent a request to member 0: member 0 (the server under "
                + "test) must refuse its handshake, so the request fails");

        // member 2's view of the network has the impostor at member 1's address
        Map<NodeId, InetSocketAddress> misled = Map.of(net.id(0), net.address(0), net.id(1), impostorAddress);
        Transport victim = net.open(provider(), new TransportConfig(net.id(2), net.key(2), crypto(),
                LoopbackNetwork.freeLoopbackAddress(), misled, limits()));
        assertKind(victim.request(net.id(1), CHANNEL_A, new byte[] {2}, Duration.ofSeconds(10)), "member 2 (the "
                + "dialer under test) dialed member 1 at an impostor's address: it must fail the request with "
                + "AUTHENTICATION, because the impostor cannot sign as member 1", Kind.AUTHENTICATION);

        assertThat(await(ts.get(1).request(net.id(0), CHANNEL_A, new byte[] {3}, requestTimeout())))
                .isEqualTo(new byte[] {3});
        assertThat(seenBy0).as("the senders member 0's handler was given (the server under test: the impostor's "
                + "request must not reach it, nor be named member 1)").containsExactly(net.id(1));
        assertThat(impostorServed.get()).as("requests the impostor received from member 2 (the dialer under test: "
                + "it must not send a request before the peer proved its id)").isZero();
    }

    // ------------------------------------------------------- a Byzantine member after its handshake, and request()

    /**
     * A committee member authenticated through {@link #authenticatedTap} sends requests whose frames name another
     * sender (an honest member, the node under test, a member not connected, a key outside the committee): the
     * node under test serves each under the member's proven id or refuses it (closing the connection is allowed),
     * never under the id written in the frame. Catches a transport that trusts an in-frame {@code from}.
     */
    @Test
    public void required_claimedSenderIsNeverTrusted() {
        attacks().claimedSenderIsNeverTrusted();
    }

    /**
     * A request of exactly {@link TransportLimits#maxFrameBytes()} from an authenticated member is served; one a
     * byte longer never reaches a handler (the node answers with an error or closes the connection); honest peers
     * are unaffected.
     */
    @Test
    public void required_memberFrameOverTheLimitIsRefused() {
        attacks().frameOverTheLimitIsRefused();
    }

    /**
     * An authenticated member sends {@code maxPendingRequests + 256} small requests and reads no answer, while the
     * handler answers none of them: the node under test holds at most {@link TransportLimits#maxPendingRequests()}
     * of them in its handlers at once, and serves an honest member meanwhile and after they are answered.
     */
    @Test
    public void required_memberRequestFloodIsBounded() {
        attacks().requestFloodIsBounded();
    }

    /**
     * An authenticated member sends requests of {@link TransportLimits#maxFrameBytes()} and reads no answer, a few
     * more than {@link #maxHeldRequestBytesPerPeer} allows (at most {@code maxPendingRequests + 8}), while the
     * handler answers none of them: the node under test holds at most that many bytes of them in its handlers at
     * once, and serves an honest member meanwhile and after they are answered.
     */
    @Test
    public void required_memberByteFloodIsBounded() {
        attacks().byteFloodIsBounded();
    }

    /**
     * {@link Transport#request} returns at once, whatever the peer does; each call must return within 10 s (a hang
     * detector): requests to an address that accepts connections and never reads, {@code maxFrameBytes} requests
     * to a member whose handler never answers (so its transport stops reading and the caller's socket fills), up
     * to {@link TransportLimits#maxPendingRequests()} (256), and one more, which fails with
     * {@link Kind#OVERLOADED} while the others do not.
     *
     * @throws IOException if the silent address cannot be bound
     */
    @Test
    public void required_requestNeverBlocksItsCaller() throws IOException {
        attacks().requestNeverBlocksItsCaller();
    }

    /**
     * After {@link Transport#close()} returns, every thread the transports started ends (bounded wait) and their
     * ports can be bound again; a second close does nothing. Threads a library starts once per JVM (a static
     * cleaner, say) are not the transports': one transport is opened and closed before the threads are counted.
     *
     * @throws IOException if a freed port cannot be bound
     */
    @Test
    public void required_closeReleasesThreadsAndPorts() throws IOException {
        Set<Thread> before = threadsAfterWarmUp();
        LoopbackNetwork net = network(4);
        List<Transport> ts = openServing(net, limits());
        exchange(ts, net);
        for (Transport t : ts) {
            t.close();
        }
        for (Transport t : ts) {
            t.close();
        }
        awaitNoNewThreads(before);
        for (int i = 0; i < net.size(); i++) {
            try (ServerSocket again = new ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(net.address(i));
                assertThat(again.getLocalPort()).isEqualTo(net.address(i).getPort());
            }
        }
    }

    /**
     * {@link Transport#close()} called from inside a request handler, while the transport runs it, returns (twice:
     * close is idempotent) without waiting for that handler, and the transport then closes by itself once the
     * handler returns: a request sent right behind the one being handled and a request sent after close() returned
     * fail without reaching the handler, the closed transport's own requests fail with {@link Kind#CLOSED}, its port
     * can be bound again and every thread it started ends, all without another close(). A close() from outside
     * afterwards returns too.
     */
    @Test
    public void required_closeFromInsideAHandler() {
        Set<Thread> before = threadsAfterWarmUp();
        LoopbackNetwork net = network(2);
        Transport server = net.open(provider(), 0, limits());
        Transport client = net.open(provider(), 1, limits());
        CloseInCallback closing = new CloseInCallback();
        AtomicInteger callsAfterClose = new AtomicInteger();
        server.serve(CHANNEL_A, (from, request) -> {
            if (closing.hasReturned()) {
                callsAfterClose.incrementAndGet();
            } else if (request[0] == 1) {
                closing.closeFromHere(server);
            }
            return CompletableFuture.completedFuture(request);
        });
        CompletableFuture<byte[]> handled = client.request(net.id(0), CHANNEL_A, new byte[] {1}, requestTimeout())
                .toCompletableFuture();
        CompletableFuture<byte[]> behind = client.request(net.id(0), CHANNEL_A, new byte[] {2}, requestTimeout())
                .toCompletableFuture();
        closing.awaitReturn("a request handler");

        // the answer to the request being handled may or may not leave before the connection closes
        settled(handled);
        settled(behind);
        closesByItself(net, 0, server, client, before);
        assertThat(callsAfterClose.get()).as("handler calls that began after close() had returned").isZero();
    }

    /**
     * {@link Transport#close()} called from inside a request's callback (a dependent of the stage, which the
     * transport completes on a thread of its own) returns (twice: close is idempotent) without waiting for that
     * callback, and the transport then closes by itself once the callback returns: a request still pending fails
     * with {@link Kind#CLOSED} even though its answer arrives afterwards, so do requests made after close(), its
     * handler is not called again, its port can be bound again and every thread it started ends, all without
     * another close(). A close() from outside afterwards returns too.
     */
    @Test
    public void required_closeFromInsideAResponseCallback() {
        Set<Thread> before = threadsAfterWarmUp();
        LoopbackNetwork net = network(2);
        Transport asker = net.open(provider(), 0, limits());
        Transport server = net.open(provider(), 1, limits());
        CompletableFuture<byte[]> firstAnswer = new CompletableFuture<>();
        CompletableFuture<byte[]> secondAnswer = new CompletableFuture<>();
        AtomicInteger secondArrived = new AtomicInteger();
        server.serve(CHANNEL_A, (from, request) -> {
            if (request[0] == 1) {
                return firstAnswer;
            }
            secondArrived.incrementAndGet();
            return secondAnswer;
        });
        CloseInCallback closing = new CloseInCallback();
        AtomicInteger callsAfterClose = new AtomicInteger();
        asker.serve(CHANNEL_A, (from, request) -> {
            if (closing.hasReturned()) {
                callsAfterClose.incrementAndGet();
            }
            return CompletableFuture.completedFuture(request);
        });
        AtomicReference<Thread> callbackThread = new AtomicReference<>();
        asker.request(net.id(1), CHANNEL_A, new byte[] {1}, requestTimeout()).whenComplete((response, error) -> {
            callbackThread.set(Thread.currentThread());
            closing.closeFromHere(asker);
        });
        CompletableFuture<byte[]> pending = asker.request(net.id(1), CHANNEL_A, new byte[] {2}, requestTimeout())
                .toCompletableFuture();
        eventually("the second request reaches the server's handler", () -> secondArrived.get() == 1);
        firstAnswer.complete(new byte[] {1}); // the asker's transport completes the first request: the callback runs
        closing.awaitReturn("a response callback");
        assertThat(callbackThread.get()).as("the thread that ran the callback (the transport's, not the test's)")
                .isNotSameAs(Thread.currentThread());

        secondAnswer.complete(new byte[] {2}); // answered after the asker closed: must not be delivered
        assertThat(failure(pending).kind()).as("a request pending when close() was called").isEqualTo(Kind.CLOSED);
        closesByItself(net, 0, asker, server, before);
        assertThat(callsAfterClose.get()).as("handler calls that began after close() had returned").isZero();
    }

    /**
     * Opening a transport on an address another socket already listens on fails with a {@link TransportException}
     * (so a caller can pick another port), and leaves no thread behind.
     *
     * @throws IOException if the blocking socket cannot be bound
     */
    @Test
    public void required_openOnABusyAddressFails() throws IOException {
        Set<Thread> before = threadsAfterWarmUp();
        LoopbackNetwork net = network(2);
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(net.address(0));
            try {
                Transport t = net.open(provider(), 0, limits());
                t.close();
                fail("opened a transport on " + net.address(0) + ", where another socket listens");
            } catch (TransportException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
        awaitNoNewThreads(before);
    }

    /**
     * Opens and closes two transports (so threads a library starts once per JVM exist), then lists live threads.
     */
    private Set<Thread> threadsAfterWarmUp() {
        LoopbackNetwork warmUp = network(2);
        warmUp.openAll(provider(), limits());
        warmUp.close();
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    private void awaitNoNewThreads(Set<Thread> before) {
        AtomicReference<List<String>> left = new AtomicReference<>(List.of());
        try {
            eventually("every thread the transports started ends", () -> {
                List<String> names = new ArrayList<>();
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.isAlive() && !before.contains(t) && !isSharedJvmThread(t)) {
                        names.add(t.getName());
                    }
                }
                left.set(names);
                return names.isEmpty();
            });
        } catch (AssertionError e) {
            throw new AssertionError("threads left after close(): " + left.get(), e);
        }
    }

    /** Waits for a request to complete either way (a response or a {@link TransportException}). */
    private void settled(CompletableFuture<byte[]> stage) {
        try {
            stage.get(patience().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            failure(stage);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (TimeoutException e) {
            throw new AssertionError("a request neither failed nor succeeded within " + patience());
        }
    }

    /**
     * What follows a close() from inside a callback, without another close(): the closed transport's requests fail
     * with {@link Kind#CLOSED}, its peer's requests to it fail, its port can be bound again, and once the peer is
     * closed too (from outside) no thread the two started is left. A close() from outside then returns as well.
     */
    private void closesByItself(LoopbackNetwork net, int index, Transport closed, Transport peer, Set<Thread> before) {
        assertKind(closed.request(peer.self(), CHANNEL_A, new byte[] {3}, requestTimeout()), Kind.CLOSED);
        failure(peer.request(closed.self(), CHANNEL_A, new byte[] {4}, Duration.ofSeconds(10)));
        eventually("the port of the transport closed from a callback can be bound again",
                () -> canBind(net.address(index)));
        peer.close();
        awaitNoNewThreads(before);
        closed.close();
    }

    /** @return true if a socket can listen on the address: a closed transport's port is free again */
    private static boolean canBind(InetSocketAddress address) {
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Calls {@link Transport#close()} from inside a callback and lets the rule wait for it to return, bounded by
     * {@link #CLOSE_IN_CALLBACK_BOUND}.
     */
    private final class CloseInCallback {
        private final CompletableFuture<Void> called = new CompletableFuture<>();
        private final CompletableFuture<Void> returned = new CompletableFuture<>();
        private volatile boolean interruptedByClose;

        /**
         * In the callback: closes the transport twice, noting that close() was called, that it returned, and whether
         * it left the calling thread interrupted.
         */
        void closeFromHere(Transport transport) {
            boolean interruptedBefore = Thread.currentThread().isInterrupted();
            called.complete(null);
            try {
                transport.close();
                transport.close();
                interruptedByClose = !interruptedBefore && Thread.currentThread().isInterrupted();
                returned.complete(null);
            } catch (RuntimeException | Error e) {
                returned.completeExceptionally(e);
                throw e;
            }
        }

        boolean hasReturned() {
            return returned.isDone();
        }

        /** In the rule: waits for the callback to call close() (up to the patience), then for close() to return. */
        void awaitReturn(String where) {
            try {
                called.get(patience().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new AssertionError(where + " that closes the transport was not called within " + patience());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            try {
                returned.get(CLOSE_IN_CALLBACK_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("close() called from inside " + where + " did not return within "
                        + CLOSE_IN_CALLBACK_BOUND + ": it must not wait for the callback it is called from (seed "
                        + seed() + ")");
            } catch (ExecutionException e) {
                throw new AssertionError("close() called from inside " + where + " threw " + e.getCause(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            assertThat(interruptedByClose).as("close() called from inside %s left the calling thread interrupted; "
                    + "the callback goes on after close() returns, and its next blocking call would fail", where)
                    .isFalse();
        }
    }

    /** What {@link TransportAttacks} takes from this verification: each method is this class's own of that name. */
    private final class AttackKit implements TransportAttacks.Kit {
        @Override
        public TransportProvider provider() {
            return TransportVerification.this.provider();
        }

        @Override
        public Crypto crypto() {
            return TransportVerification.this.crypto();
        }

        @Override
        public TransportLimits limits() {
            return TransportVerification.this.limits();
        }

        @Override
        public Duration attackHandshakeTimeout() {
            return TransportVerification.this.attackHandshakeTimeout();
        }

        @Override
        public Duration patience() {
            return TransportVerification.this.patience();
        }

        @Override
        public long seed() {
            return TransportVerification.this.seed();
        }

        @Override
        public AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException {
            return TransportVerification.this.authenticatedTap(member, target);
        }

        @Override
        public long maxHeldRequestBytesPerPeer(TransportLimits limits) {
            return TransportVerification.this.maxHeldRequestBytesPerPeer(limits);
        }

        @Override
        public LoopbackNetwork network(int size) {
            return TransportVerification.this.network(size);
        }

        @Override
        public void own(Closeable socket) {
            TransportVerification.this.own(socket);
        }

        @Override
        public Thread startHelper(String name, Runnable body) {
            return TransportVerification.this.startHelper(name, body);
        }

        @Override
        public byte[] await(CompletionStage<byte[]> stage) {
            return TransportVerification.this.await(stage);
        }

        @Override
        public TransportException failure(CompletionStage<byte[]> stage, String expectation) {
            return TransportVerification.this.failure(stage, expectation);
        }

        @Override
        public void eventually(String what, BooleanSupplier condition) {
            TransportVerification.this.eventually(what, condition);
        }

        @Override
        public void awaitClosedByServer(Socket s, String what) {
            TransportVerification.this.awaitClosedByServer(s, what);
        }
    }

    /** A key that claims another node's public key but signs with its own: what an impostor has. */
    private static final class ForgedKey implements SigningKey {
        private final PublicKey claimed;
        private final SigningKey actual;

        ForgedKey(PublicKey claimed, SigningKey actual) {
            this.claimed = claimed;
            this.actual = actual;
        }

        @Override
        public PublicKey publicKey() {
            return claimed;
        }

        @Override
        public byte[] sign(byte[] message) {
            return actual.sign(message);
        }

        @Override
        public byte[] seed() {
            return actual.seed();
        }
    }
}
