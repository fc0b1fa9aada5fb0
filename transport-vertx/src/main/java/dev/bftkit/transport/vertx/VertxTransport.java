package dev.bftkit.transport.vertx;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The {@code vertx} transport: authenticated, framed request/response over Vert.x TCP.
 *
 * <p><b>Connections.</b> One connection per direction of each peer pair: we dial every peer we send requests to
 * and carry only our requests (and its responses) on that connection; the peer's requests to us arrive on the
 * connection it dialed. This needs no tie-breaking between simultaneous dials, keeps reconnection on the side that
 * has something to send, and lets a restarted node simply dial again. Many requests share a connection, told apart
 * by request ids; channels ({@link InstanceId}s) travel in each request. The wire format is in {@link Wire}, the
 * handshake in {@link Handshake}, {@link AcceptorConnection} and {@link DialerConnection}.
 *
 * <p><b>Structure.</b> References run one way: the transport knows its links and connections, and they know it only
 * as the small hosts they declare ({@link Connection.Host}, {@link AcceptorConnection.Host}, {@link
 * DialerConnection.Host}, {@link PeerLink.Host}), which it implements. A {@link PeerLink} is its dialer connection's
 * {@link DialerConnection.Link}, and a {@link Pending} request knows the connection it was written on only as a
 * {@link Pending.Carrier}.
 *
 * <p><b>Threads.</b> Each transport owns one Vert.x instance with a single event loop; every connection, timer and
 * bookkeeping structure is confined to that loop, so nothing is locked. Handlers are called on the loop and may
 * complete their stage on any thread (the answer is marshalled back onto the loop); request stages complete on the
 * loop, so callers must not block in their callbacks. The Vert.x instance is created from a thread of the
 * transport's own thread group, so the threads it starts then (its blocked-thread checker) are in that group;
 * Netty starts the event loop and acceptor threads later, from whichever thread first hands them work, and they
 * end when the instance's close completes. {@link #close()} waits for that close, then joins the loop thread, the
 * thread Vert.x started to report the close, and the group. The loop is deliberately not started from the group:
 * Netty's JVM-wide {@code globalEventExecutor} thread, which lingers a second after its last task, would then be
 * born in the group and every close would wait for it.
 *
 * <p><b>Bounds.</b> At most {@link TransportLimits#maxPendingRequests()} outgoing requests at once (more fail as
 * {@link Kind#OVERLOADED}); of one peer's requests, on all its connections together, at most that many and less than
 * {@link AcceptorConnection#PEER_BUDGET_BYTES} of payload in its handlers at once, and none read while the answers
 * to it cannot be written (reading pauses until the socket drains); answers to a peer that does not read them are
 * replaced by errors beyond that budget; frames above the limit are refused before a byte is buffered; at most
 * {@link #MIN_SLOTS_PER_SOURCE} connections (or the peers plus one) may be mid-handshake from one address, and those
 * from addresses no member has connected from share {@link #MAX_UNAUTHENTICATED} slots ({@link HandshakeSlots});
 * the handshake signatures callers make us verify are budgeted ({@link HandshakeBudget}); a handshake must finish
 * within its deadline and a started frame must keep arriving (see {@link Connection#overdue}), else the connection
 * is closed. The module's README tabulates the bounds and the memory they imply.
 */
final class VertxTransport implements Transport, PeerLink.Host, AcceptorConnection.Host {
    /**
     * Connections from addresses no member has connected from that may be mid-handshake at once. When all are
     * taken, a connection from an address holding fewer than the busiest addresses pushes out the oldest of theirs;
     * otherwise it is closed on accept.
     */
    static final int MAX_UNAUTHENTICATED = 256;
    /**
     * The fewest connections mid-handshake one source address may hold at once; with more peers, their number plus one (members may
     * share an address, as on a test machine). More from that address are closed on accept, so hundreds of slow
     * connections from one address cannot keep members out.
     */
    static final int MIN_SLOTS_PER_SOURCE = 16;
    /**
     * The fewest addresses remembered as proven (a member completed a handshake from them), whose connections take
     * slots of their own rather than shared ones; with more peers, twice their number.
     */
    static final int MIN_PROVEN_SOURCES = 16;
    /** The longest request timeout honoured; longer ones count as this long. */
    static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    private static final long CLOSE_WAIT_SECONDS = 30;
    private static final System.Logger LOG = System.getLogger(VertxTransport.class.getName());

    private final TransportConfig config;
    private final TransportLimits limits;
    private final ThreadGroup threads;
    private final Vertx vertx;
    private final Context context;
    private final NetServer server;
    private final NetClient client;
    private final Map<NodeId, PeerLink> links = new HashMap<>();
    private final Map<InstanceId, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    /** Completes once Vert.x has closed (or could not be asked to). */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final TransportStats stats;
    /** The time in nanoseconds that the rate limits read. */
    private final LongSupplier clock;
    /** The stats' JMX name once registered. */
    private volatile ObjectName statsName;
    /** The thread Vert.x started to report its close, which runs out after completing {@link #stopped}. */
    private volatile Thread finisher;
    private volatile boolean closed;

    // loop only
    private final Set<Connection> connections = new LinkedHashSet<>();
    /** Closed connections whose sockets may still be writing what they had queued; each for at most a grace. */
    private final Set<Connection> closing = new HashSet<>();
    private final Map<NodeId, AcceptorConnection> inbound = new HashMap<>();
    /** Each peer's requests in our handlers, on all its connections: {count, payload bytes}; absent when none. */
    private final Map<NodeId, long[]> held = new HashMap<>();
    private final HandshakeSlots slots;
    private final HandshakeBudget handshakeBudget;
    private long sweeper = -1;
    private volatile Thread loop;

    private VertxTransport(TransportConfig config, ThreadGroup threads, LongSupplier clock) {
        this.config = config;
        this.limits = config.limits();
        this.threads = threads;
        this.clock = clock;
        this.stats = new TransportStats(toString(), LOG, this::handshakesInProgress, clock);
        this.slots = new HandshakeSlots(MAX_UNAUTHENTICATED, Math.max(MIN_SLOTS_PER_SOURCE,
                config.peers().size() + 1), maxProven(config.peers().size()));
        this.handshakeBudget = new HandshakeBudget(config.peers().size(), maxProven(config.peers().size()));
        config.peers().forEach((id, address) -> links.put(id, new PeerLink(this, id, address)));
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setUseDaemonThread(true)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        this.context = vertx.getOrCreateContext();
        this.server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        this.client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, limits.connectTimeout().toMillis())));
        server.connectHandler(this::accepted);
    }

    /**
     * Opens a transport with the {@link OpenOptions#DEFAULT default options}.
     *
     * @param config the configuration
     * @return the open transport
     * @throws TransportException if the address cannot be bound, a step of the start fails, or the calling thread
     *     is interrupted while it waits
     * @see #open(TransportConfig, OpenOptions)
     */
    static VertxTransport open(TransportConfig config) {
        return open(config, OpenOptions.DEFAULT);
    }

    /**
     * Opens a transport: creates its Vert.x instance from a thread of a fresh thread group (so the threads Vert.x
     * starts on creation belong to that group), waits for its event loop to start, binds the listening address and
     * starts the deadline sweeper. No step has a deadline: on a loaded machine a start may be slow, and then every
     * {@link OpenOptions#reportEvery()} a warning says which step it is still waiting for. It fails only if a step
     * fails (the address cannot be bound, say), with a message naming the step, or if the calling thread is
     * interrupted; it then closes what it started (freeing its threads) before it throws.
     *
     * @param config the configuration
     * @param options the report interval, a step run as the loop starts, and the clock of the rate limits
     * @return the open transport
     * @throws TransportException if the address cannot be bound, a step fails, or the calling thread is interrupted
     */
    static VertxTransport open(TransportConfig config, OpenOptions options) {
        StartWatch watch = new StartWatch(config, options.reportEvery());
        ThreadGroup group = new ThreadGroup("bftkit-vertx-" + config.self());
        CompletableFuture<VertxTransport> made = new CompletableFuture<>();
        Thread starter = new Thread(group, () -> {
            try {
                made.complete(new VertxTransport(config, group, options.clock()));
            } catch (RuntimeException | Error e) {
                made.completeExceptionally(e);
            }
        }, "bftkit-vertx-open-" + config.self());
        starter.start();
        VertxTransport transport;
        try {
            transport = watch.await(made, "its Vert.x instance to be created", "cannot create its Vert.x instance");
        } catch (TransportException e) {
            made.thenAccept(VertxTransport::close); // made after all: free its threads
            throw e;
        }
        try {
            CompletableFuture<Void> looping = new CompletableFuture<>();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            transport.context.runOnContext(v -> {
                try {
                    options.loopStarting().run();
                    transport.loop = Thread.currentThread();
                    looping.complete(null);
                    transport.sweeper = transport.vertx.setPeriodic(sweepMillis(transport.limits), t -> transport.sweep());
                    transport.server.listen(SocketAddress.inetSocketAddress(config.bind())).onComplete(
                            s -> ready.complete(null), ready::completeExceptionally);
                } catch (RuntimeException e) {
                    looping.completeExceptionally(e);
                    ready.completeExceptionally(e);
                }
            });
            watch.await(looping, "its event loop to start", "cannot start its event loop");
            watch.await(ready, "the bind of " + config.bind(), "cannot listen on " + config.bind());
            transport.publishStats();
            return transport;
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** Waits for the steps of a start, with no deadline, saying every so often which step it is waiting for. */
    private record StartWatch(TransportConfig config, Duration reportEvery, long startedNanos) {
        StartWatch(TransportConfig config, Duration reportEvery) {
            this(config, reportEvery, System.nanoTime());
        }

        /**
         * @param step the step's outcome
         * @param waitingFor the step, as in "waiting for ..."
         * @param failed what a failure of the step means, as in "...: cause"
         * @return the step's outcome
         * @throws TransportException if the step fails or the calling thread is interrupted
         */
        <T> T await(CompletableFuture<T> step, String waitingFor, String failed) {
            while (true) {
                try {
                    return step.get(reportEvery.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    String seconds = String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startedNanos)
                            / 1e9);
                    LOG.log(Level.WARNING, () -> "vertx transport " + config.self() + ": still starting after "
                            + seconds + " s, waiting for " + waitingFor + "; the machine may be overloaded. It goes "
                            + "on waiting (interrupt the thread that opens it to give up)");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TransportException(Kind.CLOSED, "interrupted while the transport was waiting for "
                            + waitingFor, e);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TransportException te) {
                        throw te;
                    }
                    throw new TransportException(Kind.UNREACHABLE, failed + ": " + e.getCause(), e.getCause());
                }
            }
        }
    }

    /** Registers the stats as a JMX MBean; a transport without one still works (the failure is logged). */
    private void publishStats() {
        try {
            Hashtable<String, String> keys = new Hashtable<>();
            keys.put("type", "VertxTransport");
            keys.put("node", self().toString());
            keys.put("port", Integer.toString(server.actualPort()));
            ObjectName name = new ObjectName("dev.bftkit", keys);
            ManagementFactory.getPlatformMBeanServer().registerMBean(stats, name);
            statsName = name;
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, self() + ": cannot publish the transport's counters over JMX: " + e);
        }
    }

    private void unpublishStats() {
        ObjectName name = statsName;
        statsName = null;
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (JMException e) {
                LOG.log(Level.DEBUG, () -> self() + ": unregistering " + name + ": " + e);
            }
        }
    }

    private static int maxProven(int peers) {
        return Math.max(MIN_PROVEN_SOURCES, 2 * peers);
    }

    private static long sweepMillis(TransportLimits limits) {
        long shortest = Math.min(limits.handshakeTimeout().toMillis(), limits.connectTimeout().toMillis());
        return Math.max(10, Math.min(500, shortest / 4));
    }

    // ---- what the links and connections need (loop) ----

    @Override
    public NodeId self() {
        return config.self();
    }

    @Override
    public TransportLimits limits() {
        return limits;
    }

    @Override
    public Crypto crypto() {
        return config.crypto();
    }

    @Override
    public byte[] sign(byte[] message) {
        return config.key().sign(message);
    }

    @Override
    public Vertx vertx() {
        return vertx;
    }

    @Override
    public NetClient client() {
        return client;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public TransportStats stats() {
        return stats;
    }

    /** @return how many inbound connections are mid-handshake now */
    int handshakesInProgress() {
        return slots.inProgress();
    }

    @Override
    public boolean isPeer(NodeId id) {
        return links.containsKey(id);
    }

    @Override
    public boolean isPending(Pending p) {
        return pending.get(p.id) == p;
    }

    @Override
    public void track(Connection c) {
        connections.add(c);
        if (c instanceof AcceptorConnection a) {
            slots.add(a);
        }
    }

    @Override
    public void untrack(Connection c) {
        if (connections.remove(c) && c instanceof AcceptorConnection a && !c.isAuthenticated()) {
            slots.remove(a);
        }
    }

    /**
     * A connection was closed: its socket writes what it has queued, then closes; after {@link
     * Connection#CLOSE_GRACE_MS} (or at once if the transport is closing) it is closed without waiting further.
     */
    @Override
    public void closing(Connection c) {
        if (closed) {
            c.closeNow();
            return;
        }
        closing.add(c);
        vertx.setTimer(Connection.CLOSE_GRACE_MS, t -> {
            if (closing.remove(c)) {
                c.closeNow();
            }
        });
    }

    @Override
    public void authenticated(Connection c) {
        if (c instanceof AcceptorConnection a && connections.contains(a)) {
            slots.remove(a);
            slots.prove(a.source());
            stats.record(TransportStats.Event.HANDSHAKES_COMPLETED, () -> "");
            AcceptorConnection older = inbound.put(a.peer(), a);
            if (older != null && older != a) {
                // a peer keeps one connection to us; a new one means the old one is stale
                older.close(Kind.CLOSED, "replaced by a newer connection from the same peer");
            }
        }
    }

    /**
     * A dialer claiming a member's id asks us to verify its handshake signature: allowed while its address, and the
     * addresses that are not proven together, have verifications left in the {@link HandshakeBudget}; counted and
     * logged when not.
     */
    @Override
    public boolean mayVerifyHandshake(AcceptorConnection c) {
        HandshakeBudget.Verdict verdict = handshakeBudget.take(c.source(), slots.isProven(c.source()),
                clock.getAsLong());
        if (verdict == HandshakeBudget.Verdict.ALLOWED) {
            return true;
        }
        String spent = verdict == HandshakeBudget.Verdict.SOURCE_SPENT
                ? "that address has used up its handshake verifications (" + HandshakeBudget.PER_SECOND + " a second)"
                : "addresses no member has connected from have used up the handshake verifications they share ("
                        + HandshakeBudget.SHARED_PER_SECOND + " a second)";
        stats.record(TransportStats.Event.HANDSHAKES_THROTTLED, () -> "refused a handshake from " + c.source()
                + " unverified: " + spent);
        return false;
    }

    @Override
    public boolean overBudget(NodeId peer) {
        long[] h = held.get(peer);
        return h != null && (h[0] >= limits.maxPendingRequests() || h[1] >= AcceptorConnection.PEER_BUDGET_BYTES);
    }

    @Override
    public void charged(NodeId peer, int bytes) {
        long[] h = held.computeIfAbsent(peer, p -> new long[2]);
        h[0]++;
        h[1] += bytes;
    }

    @Override
    public void released(NodeId peer, int bytes) {
        long[] h = held.get(peer);
        if (h == null) {
            return;
        }
        h[0]--;
        h[1] -= bytes;
        if (h[0] <= 0) {
            held.remove(peer);
        }
        AcceptorConnection current = inbound.get(peer);
        if (current != null) {
            current.updateReading();
        }
    }

    /** An answer to a peer that reads too little was replaced by an error. */
    @Override
    public void answerRefused(AcceptorConnection c) {
        stats.record(TransportStats.Event.ANSWERS_REFUSED, () -> "refused an answer to " + c.peer() + ": it does "
                + "not read what is sent to it, and " + AcceptorConnection.PEER_BUDGET_BYTES + " bytes are waiting");
    }

    @Override
    public void inboundClosed(AcceptorConnection c) {
        NodeId peer = c.peer();
        if (peer != null) {
            inbound.remove(peer, c);
        }
    }

    // ---- serving ----

    @Override
    public void serve(InstanceId channel, RequestHandler handler) {
        handlers.put(Objects.requireNonNull(channel, "channel"), Objects.requireNonNull(handler, "handler"));
    }

    @Override
    public void unserve(InstanceId channel) {
        handlers.remove(channel);
    }

    private void accepted(NetSocket socket) {
        if (closed) {
            socket.close();
            return;
        }
        stats.record(TransportStats.Event.CONNECTIONS_ACCEPTED, () -> "");
        String source = AcceptorConnection.sourceOf(socket);
        int held = slots.heldBy(source);
        if (held >= slots.perSource()) {
            refuseSlot(socket, source + " already holds " + held + " handshake slots, the most one address may hold");
            return;
        }
        if (slots.sharedFullFor(source)) {
            AcceptorConnection victim = slots.victimFor(source);
            if (victim == null) {
                refuseSlot(socket, "all " + MAX_UNAUTHENTICATED + " shared handshake slots are taken");
                return;
            }
            String why = "all " + MAX_UNAUTHENTICATED + " shared handshake slots are taken and " + victim.source()
                    + " holds " + slots.heldBy(victim.source()) + " of them; made room for " + source;
            stats.record(TransportStats.Event.SLOTS_EXHAUSTED, () -> "dropped " + victim.describe() + ": " + why);
            victim.close(Kind.OVERLOADED, why);
        }
        new AcceptorConnection(this, socket).start();
    }

    private void refuseSlot(NetSocket socket, String why) {
        stats.record(TransportStats.Event.SLOTS_EXHAUSTED, () -> "refused a connection from "
                + socket.remoteAddress() + ": " + why);
        socket.close();
    }

    /** Runs a peer's request through the channel's handler and sends back its answer. On the loop. */
    @Override
    public void serveRequest(AcceptorConnection c, long id, InstanceId channel, byte[] request) {
        if (closed) {
            // close() was called, perhaps by the handler of the request before this one in the same read: no
            // handler call begins after it; the shutdown queued on the loop would close the connection next
            c.close(Kind.CLOSED, "the transport is closing");
            return;
        }
        RequestHandler handler = handlers.get(channel);
        if (handler == null) {
            c.send(Wire.error(id, Kind.REMOTE_ERROR, "no handler serves channel " + channel));
            return;
        }
        c.started(request.length);
        CompletionStage<byte[]> answer;
        try {
            answer = handler.handle(c.peer(), request);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        if (answer == null) {
            answer = CompletableFuture.failedFuture(new IllegalStateException("the handler returned no stage"));
        }
        answer.whenComplete((response, error) -> onLoop(() -> c.answer(id, answerFrame(id, response, error),
                request.length)));
    }

    private Buffer answerFrame(long id, byte[] response, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            return Wire.error(id, Kind.REMOTE_ERROR, "handler failed: " + cause);
        }
        if (response == null) {
            return Wire.error(id, Kind.REMOTE_ERROR, "handler answered null");
        }
        if (response.length > limits.maxFrameBytes()) {
            return Wire.error(id, Kind.FRAME_TOO_LARGE, "response of " + response.length + " bytes exceeds the "
                    + limits.maxFrameBytes() + "-byte limit");
        }
        return Wire.response(id, response);
    }

    // ---- requesting ----

    @Override
    public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request, Duration timeout) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        if (closed) {
            return failed(Kind.CLOSED, "the transport is closed");
        }
        PeerLink link = links.get(peer);
        if (link == null) {
            return failed(Kind.UNKNOWN_PEER, peer + (peer.equals(self()) ? " is ourselves" : " is not a configured peer"));
        }
        if (request.length > limits.maxFrameBytes()) {
            return failed(Kind.FRAME_TOO_LARGE, "request of " + request.length + " bytes exceeds the "
                    + limits.maxFrameBytes() + "-byte limit");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return failed(Kind.TIMEOUT, "the timeout " + timeout + " has already passed");
        }
        if (pendingCount.incrementAndGet() > limits.maxPendingRequests()) {
            pendingCount.decrementAndGet();
            return failed(Kind.OVERLOADED, limits.maxPendingRequests() + " requests are already pending");
        }
        long id = ids.incrementAndGet();
        long millis = Math.max(1, (timeout.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : timeout).toMillis());
        Pending p = new Pending(id, peer, millis, Wire.request(id, channel.bytes(), request));
        pending.put(id, p);
        if (closed) {
            finish(p, null, new TransportException(Kind.CLOSED, "the transport is closed"));
        } else {
            onLoop(() -> dispatch(p, link));
        }
        return p.future;
    }

    private void dispatch(Pending p, PeerLink link) {
        if (!isPending(p)) {
            return;
        }
        if (closed) {
            finish(p, null, new TransportException(Kind.CLOSED, "the transport is closed"));
            return;
        }
        p.timer = vertx.setTimer(p.timeoutMillis, t -> {
            p.timer = -1;
            Pending.Carrier sentOn = p.sentOn;
            finish(p, null, new TransportException(Kind.TIMEOUT, "no response from " + p.peer + " within "
                    + p.timeoutMillis + " ms"));
            if (sentOn != null) {
                sentOn.timedOut(p);
            }
        });
        link.submit(p);
    }

    /**
     * Completes a request once; later calls for it do nothing. On the loop, or after the loop has ended.
     *
     * @return true if this call completed it
     */
    @Override
    public boolean finish(Pending p, byte[] response, TransportException error) {
        if (!pending.remove(p.id, p)) {
            return false;
        }
        pendingCount.decrementAndGet();
        if (p.timer != -1) {
            vertx.cancelTimer(p.timer);
            p.timer = -1;
        }
        if (p.sentOn != null) {
            p.sentOn.forget(p);
        }
        p.frame = null;
        if (error == null && closed) {
            // a response read after close() was called on the loop, before the shutdown it queued: not delivered
            error = new TransportException(Kind.CLOSED, "the transport closed");
        }
        if (error != null) {
            p.future.completeExceptionally(error);
        } else {
            p.future.complete(response);
        }
        return true;
    }

    private static CompletionStage<byte[]> failed(Kind kind, String message) {
        return CompletableFuture.failedFuture(new TransportException(kind, message));
    }

    // ---- the loop ----

    private void onLoop(Runnable task) {
        if (Thread.currentThread() == loop) {
            task.run();
            return;
        }
        try {
            context.runOnContext(v -> task.run());
        } catch (RejectedExecutionException e) {
            LOG.log(Level.DEBUG, () -> self() + ": event loop gone, dropping a task");
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Connection c : new ArrayList<>(connections)) {
            if (!c.overdue(now)) {
                continue;
            }
            if (c.isAuthenticated()) {
                c.malformed(Kind.PROTOCOL, "a frame did not arrive in time");
            } else {
                if (c instanceof AcceptorConnection) {
                    stats.record(TransportStats.Event.HANDSHAKES_TIMED_OUT, () -> "closed " + c.describe()
                            + ": its handshake did not finish within " + limits.handshakeTimeout().toMillis() + " ms");
                }
                c.close(Kind.PROTOCOL, "the handshake did not finish in time");
            }
        }
    }

    // ---- closing ----

    /**
     * Fails pending requests, closes every connection at once (dropping anything still queued for a peer that does
     * not read, which would otherwise hold up the close), the server and the client, closes the Vert.x instance and
     * waits for that close to complete (by then its event loops have ended), for the loop thread, the thread that
     * reported the close and every thread in the transport's group; each wait gives up after 30 s with a warning.
     * Called on the loop (from a handler or a request's callback), it starts the same shutdown, which runs once the
     * callback returns, and returns at once: the loop cannot wait for itself. Until that shutdown runs the loop may
     * still read frames (the rest of the chunk being handled, say); from the moment close() is called none reaches
     * a handler and no response completes a request, as {@link Transport#close()} requires.
     */
    @Override
    public void close() {
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
        }
        if (first) {
            try {
                context.runOnContext(v -> shutdownOnLoop());
            } catch (RejectedExecutionException e) {
                stopped.complete(null);
            }
        }
        if (Thread.currentThread() == loop) {
            return;
        }
        waitFor(stopped, "Vert.x to close");
        joinThreads();
        failAllPending();
    }

    private void shutdownOnLoop() {
        unpublishStats();
        if (sweeper != -1) {
            vertx.cancelTimer(sweeper);
        }
        TransportException closedError = new TransportException(Kind.CLOSED, "the transport closed");
        links.values().forEach(l -> {
            l.stop();
            l.failQueued(closedError);
        });
        for (Connection c : new ArrayList<>(connections)) {
            c.close(Kind.CLOSED, "the transport closed");
        }
        // a socket still writing to a peer that does not read would hold up the server's and client's close
        closing.forEach(Connection::closeNow);
        closing.clear();
        failAllPending();
        // Listen on Vert.x's own close future: a future derived from server.close() may be bound to this loop's
        // context (it is after a failed listen), and then its completion is handed to the loop that vertx.close()
        // has just shut down, and never arrives. server.close() and client.close() complete while the loop runs.
        server.close()
                .transform(r -> client.close())
                .onComplete(r -> vertx.close().onComplete(v -> {
                    finisher = Thread.currentThread();
                    stopped.complete(null);
                }));
    }

    private void failAllPending() {
        for (Pending p : pending.values()) {
            if (pending.remove(p.id, p)) {
                pendingCount.decrementAndGet();
                p.future.completeExceptionally(new TransportException(Kind.CLOSED, "the transport closed"));
            }
        }
    }

    private void waitFor(CompletableFuture<Void> future, String what) {
        try {
            future.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, self() + ": gave up waiting for " + what + ": " + e);
        }
    }

    private void joinThreads() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CLOSE_WAIT_SECONDS);
        for (Thread thread : new Thread[] {loop, finisher}) {
            if (thread != null && thread != Thread.currentThread() && !join(thread, deadline)) {
                return;
            }
        }
        while (true) {
            Thread[] found = new Thread[threads.activeCount() + 8];
            int n = threads.enumerate(found, true);
            if (n == 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                if (!join(found[i], deadline)) {
                    return;
                }
            }
        }
    }

    /** @return false if the deadline passed (logged) or the wait was interrupted */
    private boolean join(Thread thread, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            LOG.log(Level.WARNING, self() + ": threads still running after close: " + thread.getName() + " and "
                    + threads.activeCount() + " in the transport's group");
            return false;
        }
        try {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return how many connections we dialed have a full write queue right now (for tests) */
    int writeBlockedOutboundConnections() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        onLoop(() -> count.complete((int) connections.stream()
                .filter(c -> c instanceof DialerConnection && c.isWriteBlocked()).count()));
        return count.join();
    }

    /** @return how many inbound connections have paused reading for backpressure right now (for tests) */
    int pausedInboundConnections() {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        onLoop(() -> count.complete((int) connections.stream()
                .filter(c -> c instanceof AcceptorConnection && c.isPaused()).count()));
        return count.join();
    }

    @Override
    public String toString() {
        return "vertx transport " + self() + " on " + config.bind();
    }
}
