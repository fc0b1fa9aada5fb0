package dev.bftkit.conformance.junit;

import static dev.bftkit.conformance.junit.TransportChannels.CHANNEL_A;
import static dev.bftkit.conformance.junit.TransportChannels.expectTagged;
import static dev.bftkit.conformance.junit.TransportChannels.tagged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.api.spi.TransportProvider;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The bodies of {@code TransportVerification}'s adversary rules: a Byzantine committee member that has passed the
 * handshake with its own key and then misbehaves on the connection ({@link AuthenticatedTap}), and callers that
 * press {@link Transport#request} against peers that do not read. The node under test is always member 0, an
 * honest member 1 talks to it throughout, and member 2 is the Byzantine one (its own transport is never opened).
 */
final class TransportAttacks {
    /** A flood is judged once no flooded request has reached the handler for this long. */
    private static final Duration QUIET = Duration.ofSeconds(1);
    /**
     * How long a batch of {@link Transport#request} calls may take to return before the kit calls one stuck. A hang
     * detector, not a speed target: each call should return at once and report through its stage.
     */
    static final Duration CALL_BOUND = Duration.ofSeconds(10);

    static final int SERVER = 0;
    static final int HONEST = 1;
    static final int BYZANTINE = 2;

    private static final byte PROBE = 'P';
    private static final byte CLAIM = 'C';
    private static final byte AFTER = 'A';
    private static final byte OVER = 'O';
    private static final byte AT_LIMIT = 'L';
    private static final byte CUT = 'T';
    private static final byte FLOOD = 'F';

    private final Kit kit;

    TransportAttacks(Kit kit) {
        this.kit = kit;
    }

    /**
     * What the rules take from the verification that runs them: its hooks (a transport author's overrides, asked
     * each time as the verification asks them) and its helpers, bound to the running test. Each method is the
     * verification's own of that name.
     */
    interface Kit {
        // the hooks
        TransportProvider provider();

        Crypto crypto();

        TransportLimits limits();

        Duration attackHandshakeTimeout();

        Duration patience();

        long seed();

        AuthenticatedTap authenticatedTap(TransportConfig member, NodeId target) throws IOException;

        long maxHeldRequestBytesPerPeer(TransportLimits limits);

        // the helpers
        LoopbackNetwork network(int size);

        void own(Closeable socket);

        Thread startHelper(String name, Runnable body);

        byte[] await(CompletionStage<byte[]> stage);

        TransportException failure(CompletionStage<byte[]> stage, String expectation);

        void eventually(String what, BooleanSupplier condition);

        void awaitClosedByServer(Socket s, String what);
    }

    // ------------------------------------------------------------------------------------------------- the rules

    /** Frames naming other senders are served under the proven id, or refused; never under the named id. */
    void claimedSenderIsNeverTrusted() {
        LoopbackNetwork net = kit.network(4);
        Target target = new Target(net, kit.limits());
        Map<NodeId, String> names = new LinkedHashMap<>();
        names.put(net.id(HONEST), "member 1 (an honest member, connected to it)");
        names.put(net.id(SERVER), "member 0 (the node under test itself)");
        names.put(net.id(3), "member 3 (a member that is not connected)");
        names.put(LoopbackNetwork.key(kit.crypto(), kit.seed() ^ 0xc1a1L).publicKey().nodeId(),
                "a key outside the committee");
        names.put(net.id(BYZANTINE), "member 2");
        Tap tap = target.tap();
        tap.drain();
        int k = 0;
        for (Map.Entry<NodeId, String> claim : names.entrySet()) {
            if (tap.isClosed()) {
                tap = target.tap();
                tap.drain();
            }
            byte[] after = payload(AFTER, k, 8);
            tap.send(payload(CLAIM, k, 8), claim.getKey());
            tap.send(after, net.id(BYZANTINE));
            Tap current = tap;
            kit.eventually("member 0 serves member 2's request that follows one naming " + claim.getValue()
                    + " as its sender, or closes the connection", () -> target.recorder.saw(after)
                    || current.isClosed());
            k++;
        }
        target.honestTraffic(0);
        for (Recorder.Seen s : target.recorder.seen()) {
            if (s.from().equals(net.id(BYZANTINE)) || !isTapped(s.request())) {
                continue;
            }
            fail("member 0's transport (the server under test) handed its handler from = "
                    + names.getOrDefault(s.from(), s.from().toString()) + " for a request that arrived on a connection "
                    + "its handshake authenticated as member 2, whose frame named that id as its sender. A server must "
                    + "name the sender its handshake proved, never an id written inside a frame (seed " + kit.seed()
                    + ")");
        }
    }

    /** A member's frame one byte over the limit never reaches a handler; one at the limit does. */
    void frameOverTheLimitIsRefused() {
        LoopbackNetwork net = kit.network(3);
        TransportLimits limits = kit.limits();
        int max = limits.maxFrameBytes();
        Target target = new Target(net, limits);
        Tap tap = target.tap();
        tap.drain();
        byte[] atLimit = payload(AT_LIMIT, 0, max);
        tap.send(atLimit, net.id(BYZANTINE));
        kit.eventually("member 0 serves member 2's request of exactly maxFrameBytes = " + max + " bytes",
                () -> target.recorder.saw(atLimit));
        byte[] after = payload(AFTER, 1, 8);
        tap.send(payload(OVER, 1, max + 1), net.id(BYZANTINE));
        tap.send(after, net.id(BYZANTINE));
        kit.eventually("member 0 refuses member 2's request of " + (max + 1) + " bytes and then serves the next one, "
                + "or closes the connection", () -> target.recorder.saw(after) || tap.isClosed());
        target.honestTraffic(0);
        for (Recorder.Seen s : target.recorder.seen()) {
            assertThat(s.request().length).as("a request member 0's handler was given, from %s; maxFrameBytes is %d: "
                    + "member 0 (the server under test) must refuse a larger frame from an authenticated member",
                    s.from(), max).isLessThanOrEqualTo(max);
        }
    }

    /** A member's frame cut short by one byte, the connection kept open, is cut off by the node's deadline. */
    void truncatedFrameIsCutOff() {
        LoopbackNetwork net = kit.network(3);
        TransportLimits limits = kit.limits();
        Target target = new Target(net, new TransportLimits(limits.maxFrameBytes(), limits.maxPendingRequests(),
                limits.connectTimeout(), kit.attackHandshakeTimeout()));
        Tap tap = target.tap();
        byte[] frame = tap.frame(payload(CUT, 0, 1000), net.id(BYZANTINE));
        tap.write(Arrays.copyOf(frame, frame.length - 1));
        target.honestTraffic(1);
        kit.awaitClosedByServer(tap.socket(), "member 2 sent all but the last byte of a request frame");
        assertThat(target.recorder.seen()).as("requests member 0's handler was given").noneMatch(s ->
                s.request().length > 0 && s.request()[0] == CUT);
        target.honestTraffic(2);
    }

    /** A member that floods small requests and reads nothing gets at most maxPendingRequests into the handlers. */
    void requestFloodIsBounded() {
        TransportLimits limits = kit.limits();
        flood(limits, 16, limits.maxPendingRequests() + 256);
    }

    /** A member that floods frames at the limit gets at most the stated bytes into the handlers at once. */
    void byteFloodIsBounded() {
        TransportLimits limits = kit.limits();
        long bound = kit.maxHeldRequestBytesPerPeer(limits);
        int frames = (int) Math.min(limits.maxPendingRequests(), bound / limits.maxFrameBytes()) + 8;
        flood(limits, limits.maxFrameBytes(), frames);
    }

    private void flood(TransportLimits limits, int payloadBytes, int count) {
        LoopbackNetwork net = kit.network(3);
        long bound = kit.maxHeldRequestBytesPerPeer(limits);
        Target target = new Target(net, limits);
        Tap tap = target.tap();
        target.recorder.hold(true);
        kit.startHelper("kit-flooder", () -> {
            for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
                if (!tap.trySend(payload(FLOOD, i, payloadBytes), net.id(BYZANTINE))) {
                    return; // the node closed the connection: allowed
                }
            }
        });
        target.recorder.awaitQuiet(kit.patience());
        target.honestTraffic(0);
        Recorder r = target.recorder;
        String flood = count + " requests of " + payloadBytes + " bytes from member 2, which reads no answer";
        assertThat(r.mostHeld()).as("the most of member 2's requests member 0 (the server under test) held "
                + "unanswered in its handlers at once, after %s; maxPendingRequests is %d", flood,
                limits.maxPendingRequests()).isLessThanOrEqualTo(limits.maxPendingRequests());
        assertThat(r.mostHeldBytes()).as("the most bytes of member 2's requests member 0 (the server under test) "
                + "held unanswered in its handlers at once, after %s; the transport states at most %d "
                + "(maxHeldRequestBytesPerPeer)", flood, bound).isLessThanOrEqualTo(bound);
        r.releaseAll();
        target.honestTraffic(1);
    }

    /** request() returns at once whatever the peer does: a full socket, a peer that never reads, a full table. */
    void requestNeverBlocksItsCaller() throws IOException {
        LoopbackNetwork net = kit.network(3);
        TransportLimits limits = kit.limits();
        Transport server = net.open(kit.provider(), HONEST, new TransportLimits(limits.maxFrameBytes(), 1,
                limits.connectTimeout(), limits.handshakeTimeout()));
        server.serve(CHANNEL_A, (from, request) -> new CompletableFuture<>());
        ServerSocket mute = new ServerSocket();
        kit.own(mute);
        mute.setReuseAddress(true);
        mute.bind(net.address(BYZANTINE), 64); // accepts connections in the kernel, never reads or writes
        int pending = 256;
        int toMute = 8;
        // the requests to the silent address stay pending (their connection attempt outlasts the rule)
        Transport caller = net.open(kit.provider(), SERVER, new TransportLimits(limits.maxFrameBytes(), pending,
                kit.patience(), limits.handshakeTimeout()));
        List<CompletableFuture<byte[]>> stages = new ArrayList<>();
        List<String> calls = new ArrayList<>();
        for (int k = 0; k < toMute; k++) {
            calls.add("request #" + k + " to member 2, whose address accepts connections and never reads");
        }
        for (int k = toMute; k < pending; k++) {
            calls.add("request #" + k + " of " + limits.maxFrameBytes() + " bytes to member 1, whose handler never "
                    + "answers (it stops reading, so the caller's socket fills)");
        }
        calls.add("request #" + pending + ", with maxPendingRequests = " + pending + " requests pending");
        byte[] big = new byte[limits.maxFrameBytes()];
        Thread calling = kit.startHelper("kit-caller", () -> {
            for (int k = 0; k < calls.size(); k++) {
                NodeId peer = net.id(k < toMute ? BYZANTINE : HONEST);
                byte[] request = k < toMute || k == pending ? new byte[] {(byte) k} : big;
                CompletableFuture<byte[]> stage = caller.request(peer, CHANNEL_A, request,
                        kit.patience()).toCompletableFuture();
                synchronized (stages) {
                    stages.add(stage);
                }
            }
        });
        awaitCalls(calling, stages, calls);
        TransportException overloaded = kit.failure(stages.get(pending), "member 0 (the caller under test) made "
                + calls.get(pending) + ": it must fail with OVERLOADED");
        assertThat(overloaded.kind()).as("the failure of %s (%s)", calls.get(pending), overloaded.getMessage())
                .isEqualTo(Kind.OVERLOADED);
        for (int k = 0; k < pending; k++) {
            CompletableFuture<byte[]> stage = stages.get(k);
            assertThat(stage.isCompletedExceptionally() && kindOf(stage) == Kind.OVERLOADED).as("%s failed with "
                    + "OVERLOADED, within maxPendingRequests = %d", calls.get(k), pending).isFalse();
        }
    }

    private void awaitCalls(Thread calling, List<CompletableFuture<byte[]>> stages, List<String> calls) {
        try {
            calling.join(CALL_BOUND.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (calling.isAlive()) {
            int stuck;
            synchronized (stages) {
                stuck = Math.min(stages.size(), calls.size() - 1); // the last call may have returned just now
            }
            fail("member 0's request() (the caller under test) had not returned after " + CALL_BOUND + " in "
                    + calls.get(stuck) + ": request() must return at once and report every outcome through its "
                    + "stage, never by blocking its caller");
        }
    }

    private static Kind kindOf(CompletableFuture<byte[]> stage) {
        try {
            stage.get(0, TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof TransportException te ? te.kind() : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (TimeoutException e) {
            return null;
        }
    }

    // ----------------------------------------------------------------------------------------------- helpers

    /** A payload: a tag byte, an index, then zeros up to {@code size} bytes (at least 5). */
    private static byte[] payload(byte tag, int index, int size) {
        return ByteBuffer.allocate(Math.max(5, size)).put(tag).putInt(index).array();
    }

    private static boolean isTapped(byte[] request) {
        return request.length > 0 && (request[0] == PROBE || request[0] == CLAIM || request[0] == AFTER);
    }

    /** Member 0 (the node under test) and honest member 1, open, with member 0's handler recording. */
    private final class Target {
        final LoopbackNetwork net;
        final TransportLimits limits;
        final Transport server;
        final Transport honest;
        final Recorder recorder = new Recorder();

        Target(LoopbackNetwork net, TransportLimits limits) {
            this.net = net;
            this.limits = limits;
            this.server = net.open(kit.provider(), SERVER, limits);
            this.honest = net.open(kit.provider(), HONEST, limits);
            server.serve(CHANNEL_A, recorder);
            honest.serve(CHANNEL_A, tagged("a"));
            honestTraffic(-1); // the honest handshakes are done before any attack
        }

        /** Requests between member 0 and honest member 1, both ways, each answered under the right id. */
        void honestTraffic(int round) {
            byte[] request = {'h', (byte) round};
            assertThat(kit.await(honest.request(net.id(SERVER), CHANNEL_A, request,
                    kit.patience()))).as("honest member 1's request to member 0 (the server under test), answered "
                    + "with the id member 0 authenticated").isEqualTo(expectTagged("a",
                    net.id(HONEST), request));
            assertThat(kit.await(server.request(net.id(HONEST), CHANNEL_A, request,
                    kit.patience()))).as("member 0's own request to honest member 1").isEqualTo(
                    expectTagged("a", net.id(SERVER), request));
        }

        /** Opens member 2's authenticated connection and checks it works: a request on it is served as member 2's. */
        Tap tap() {
            TransportConfig member = net.config(BYZANTINE, limits);
            AuthenticatedTap raw;
            try {
                raw = kit.authenticatedTap(member, net.id(SERVER));
            } catch (UnsupportedOperationException e) {
                throw new AssertionError("this rule needs TransportVerification.authenticatedTap(member, target): "
                        + "override it to open a socket to the target, run your transport's dialer handshake on it "
                        + "with member.key(), and return it with your request encoder (kit README, 'Adversary "
                        + "rules')", e);
            } catch (IOException e) {
                throw new AssertionError("authenticatedTap could not open a connection from member 2 to member 0 "
                        + "and authenticate it: " + e, e);
            }
            Tap tap = new Tap(raw);
            byte[] probe = payload(PROBE, recorder.seen().size(), 8);
            tap.send(probe, net.id(BYZANTINE));
            try {
                kit.eventually("a request written on the connection authenticatedTap returned reaches member 0's "
                        + "handler", () -> recorder.saw(probe));
            } catch (AssertionError e) {
                throw new AssertionError("the connection from authenticatedTap does not work: a request encoded by its "
                        + "requestFrame, written on its socket, never reached the handler of member 0. Check that "
                        + "the handshake completes and that requestFrame writes your transport's frame", e);
            }
            assertThat(recorder.fromOf(probe)).as("the sender member 0's handler was given for a request on the "
                    + "connection authenticatedTap authenticated with member 2's key").isEqualTo(net.id(BYZANTINE));
            return tap;
        }
    }

    /** The kit's side of an {@link AuthenticatedTap}. */
    private final class Tap {
        private final AuthenticatedTap raw;
        private final OutputStream out;
        private final CompletableFuture<Void> closed = new CompletableFuture<>();
        private long nextId = 1;

        Tap(AuthenticatedTap raw) {
            this.raw = raw;
            kit.own(raw.socket());
            try {
                raw.socket().setSoTimeout((int) kit.patience().toMillis());
                this.out = raw.socket().getOutputStream();
            } catch (IOException e) {
                throw new AssertionError("the socket from authenticatedTap is not usable: " + e, e);
            }
        }

        Socket socket() {
            return raw.socket();
        }

        synchronized byte[] frame(byte[] payload, NodeId claimed) {
            return raw.requestFrame(nextId++, CHANNEL_A, payload, claimed);
        }

        /** Writes a request, failing the rule if the connection is closed. */
        void send(byte[] payload, NodeId claimed) {
            if (!trySend(payload, claimed)) {
                closed.complete(null);
            }
        }

        /** @return false if the node has closed the connection */
        boolean trySend(byte[] payload, NodeId claimed) {
            try {
                out.write(frame(payload, claimed));
                out.flush();
                return true;
            } catch (IOException e) {
                closed.complete(null);
                return false;
            }
        }

        void write(byte[] bytes) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new AssertionError("member 0 closed member 2's connection before it could write: " + e, e);
            }
        }

        /** Reads and discards what the node sends, noting when it closes the connection. */
        void drain() {
            kit.startHelper("kit-tap-reader", () -> {
                byte[] sink = new byte[8192];
                try {
                    InputStream in = raw.socket().getInputStream();
                    while (in.read(sink) != -1) {
                        // answers: not parsed
                    }
                } catch (IOException e) {
                    // reset or closed
                } finally {
                    closed.complete(null);
                }
            });
        }

        boolean isClosed() {
            return closed.isDone();
        }
    }

    /**
     * Member 0's handler: records every request, answers at once (tagged with the sender it was given), except
     * flooded requests while holding, which it keeps unanswered until released.
     */
    private static final class Recorder implements Transport.RequestHandler {
        record Seen(NodeId from, byte[] request) {
        }

        private final List<Seen> seen = new ArrayList<>();
        private final List<CompletableFuture<byte[]>> held = new ArrayList<>();
        private boolean holding;
        private long heldBytes;
        private int mostHeld;
        private long mostHeldBytes;
        private long lastFloodNanos;
        private int floods;

        @Override
        public synchronized CompletionStage<byte[]> handle(NodeId from, byte[] request) {
            seen.add(new Seen(from, request));
            if (holding && request.length > 0 && request[0] == FLOOD) {
                floods++;
                lastFloodNanos = System.nanoTime();
                CompletableFuture<byte[]> answer = new CompletableFuture<>();
                held.add(answer);
                heldBytes += request.length;
                answer.whenComplete((r, e) -> released(request.length));
                mostHeld = Math.max(mostHeld, held.size());
                mostHeldBytes = Math.max(mostHeldBytes, heldBytes);
                return answer;
            }
            return CompletableFuture.completedFuture(expectTagged("a", from, request));
        }

        private synchronized void released(int bytes) {
            heldBytes -= bytes;
        }

        synchronized void hold(boolean on) {
            holding = on;
        }

        synchronized boolean saw(byte[] request) {
            return fromOf(request) != null;
        }

        synchronized NodeId fromOf(byte[] request) {
            for (Seen s : seen) {
                if (Arrays.equals(s.request(), request)) {
                    return s.from();
                }
            }
            return null;
        }

        synchronized List<Seen> seen() {
            return List.copyOf(seen);
        }

        synchronized int mostHeld() {
            return mostHeld;
        }

        synchronized long mostHeldBytes() {
            return mostHeldBytes;
        }

        /** Waits until a flooded request has arrived and none has for {@link #QUIET}. */
        void awaitQuiet(Duration patience) {
            long deadline = System.nanoTime() + patience.toNanos();
            while (true) {
                synchronized (this) {
                    if (floods > 0 && System.nanoTime() - lastFloodNanos > QUIET.toNanos()) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        fail(floods == 0 ? "no flooded request of member 2 reached member 0's handler within "
                                + patience : "member 2's flooded requests kept reaching member 0's handler for "
                                + patience + " (" + floods + " so far)");
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }

        /** Answers every held request and stops holding. */
        void releaseAll() {
            List<CompletableFuture<byte[]>> release;
            synchronized (this) {
                holding = false;
                release = new ArrayList<>(held);
                held.clear();
            }
            release.forEach(f -> f.complete(new byte[0]));
        }
    }
}
