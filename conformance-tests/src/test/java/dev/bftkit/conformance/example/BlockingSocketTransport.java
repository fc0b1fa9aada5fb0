package dev.bftkit.conformance.example;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Domain;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An example third-party transport, as a plugin author outside bftkit might write one: plain blocking
 * {@link Socket}s and threads, the kit's codec for frame bodies, and a mutual challenge-response handshake through
 * the Crypto SPI. It passes {@link dev.bftkit.conformance.junit.TransportVerification} with a five-line subclass.
 *
 * <p>Each direction of a peer pair has its own connection. Outgoing: one sender thread per peer connects on demand
 * (handshake included), writes queued requests, and a reader thread per connection completes them. Incoming: one
 * reader thread per connection authenticates the dialer, then reads requests (holding at most
 * {@code maxPendingRequests} unanswered, which stops reading when answers lag) while a writer thread sends the
 * answers. A watchdog closes a socket whose handshake, or any started frame, takes too long.
 */
final class BlockingSocketTransport implements Transport {
    private static final int VERSION = 1;
    private static final int HELLO = 1;
    private static final int CHALLENGE = 2;
    private static final int PROOF = 3;
    private static final int ACCEPT = 4;
    private static final int REQUEST = 5;
    private static final int RESPONSE = 6;
    private static final int ERROR = 7;
    private static final int HANDSHAKE_MAX = 1024;
    private static final int OVERHEAD = 128;
    private static final int MAX_HANDSHAKING = 64;
    private static final InstanceId SCOPE = InstanceId.of("example/blocking-socket-transport");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TransportConfig config;
    private final TransportLimits limits;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final ScheduledThreadPoolExecutor timers;
    private final Map<InstanceId, RequestHandler> handlers = new ConcurrentHashMap<>();
    private final Map<NodeId, Link> links = new HashMap<>();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** The threads this transport started and that have not ended yet. */
    private final Set<Thread> own = ConcurrentHashMap.newKeySet();
    private final Semaphore handshaking = new Semaphore(MAX_HANDSHAKING);
    private final AtomicInteger pendingCount = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    BlockingSocketTransport(TransportConfig config) {
        this.config = config;
        this.limits = config.limits();
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> daemon(r, "example-socket-" + config.self() + "-"
                + n.incrementAndGet()));
        this.timers = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "example-timer-" + config.self()));
        timers.setRemoveOnCancelPolicy(true);
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(config.bind(), 64);
        } catch (IOException e) {
            threads.shutdown();
            timers.shutdown();
            throw new TransportException(Kind.UNREACHABLE, "cannot listen on " + config.bind(), e);
        }
        config.peers().forEach((id, address) -> links.put(id, new Link(id, address)));
        threads.execute(this::acceptLoop);
    }

    private Thread daemon(Runnable r, String name) {
        Thread t = new Thread(() -> {
            try {
                r.run();
            } finally {
                own.remove(Thread.currentThread());
            }
        }, name);
        t.setDaemon(true);
        own.add(t);
        return t;
    }

    @Override
    public NodeId self() {
        return config.self();
    }

    @Override
    public void serve(InstanceId channel, RequestHandler handler) {
        handlers.put(channel, handler);
    }

    @Override
    public void unserve(InstanceId channel) {
        handlers.remove(channel);
    }

    @Override
    public CompletionStage<byte[]> request(NodeId peer, InstanceId channel, byte[] request, Duration timeout) {
        Link link = links.get(peer);
        if (closed) {
            return failed(Kind.CLOSED, "closed");
        } else if (link == null) {
            return failed(Kind.UNKNOWN_PEER, peer + " is not a peer");
        } else if (request.length > limits.maxFrameBytes()) {
            return failed(Kind.FRAME_TOO_LARGE, request.length + " bytes");
        } else if (pendingCount.incrementAndGet() > limits.maxPendingRequests()) {
            pendingCount.decrementAndGet();
            return failed(Kind.OVERLOADED, "too many pending requests");
        }
        long id = ids.incrementAndGet();
        Pending p = new Pending(id, link, requestBody(id, channel, request));
        pending.put(id, p);
        try {
            p.timeout = timers.schedule(() -> finish(p, null, new TransportException(Kind.TIMEOUT, "no response")),
                    Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            link.submit(p);
        } catch (RejectedExecutionException e) {
            finish(p, null, new TransportException(Kind.CLOSED, "closed"));
        }
        return p.future;
    }

    private static CompletionStage<byte[]> failed(Kind kind, String message) {
        return CompletableFuture.failedFuture(new TransportException(kind, message));
    }

    private void finish(Pending p, byte[] response, TransportException error) {
        if (!pending.remove(p.id, p)) {
            return;
        }
        pendingCount.decrementAndGet();
        p.link.inFlight.remove(p.id);
        if (p.timeout != null) {
            p.timeout.cancel(false);
        }
        if (error == null && closed) {
            error = new TransportException(Kind.CLOSED, "closed"); // a response read just before close()
        }
        if (error == null) {
            p.future.complete(response);
        } else {
            p.future.completeExceptionally(error);
        }
    }

    // ---- incoming ----

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            if (!track(s) || !handshaking.tryAcquire()) {
                close(s);
                continue;
            }
            try {
                threads.execute(() -> serveConnection(s));
            } catch (RejectedExecutionException e) {
                close(s);
            }
        }
    }

    private void serveConnection(Socket s) {
        Writer writer = null;
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            NodeId peer;
            ScheduledFuture<?> deadline = watchdog(s, limits.handshakeTimeout().toMillis());
            try {
                peer = acceptHandshake(in, out);
            } finally {
                deadline.cancel(false);
                handshaking.release();
            }
            if (peer == null) {
                return;
            }
            writer = new Writer(s, out);
            threads.execute(writer);
            Semaphore unanswered = new Semaphore(limits.maxPendingRequests());
            while (true) {
                Decoder d = Decoder.message(readFrame(in, s, limits.maxFrameBytes() + OVERHEAD), VERSION);
                if (d.kind() != REQUEST) {
                    return;
                }
                long id = d.i64();
                InstanceId channel = InstanceId.of(d.bytes(InstanceId.MAX_LENGTH));
                byte[] request = d.bytes(limits.maxFrameBytes());
                d.finish();
                unanswered.acquire();
                if (closed) {
                    return; // a request read (or buffered) before close() is not handed to the handler after it
                }
                Writer w = writer;
                answer(channel, peer, request).whenComplete((response, error) ->
                        w.send(answerFrame(id, response, error), unanswered::release));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // closed, malformed or refused: drop the connection
        } finally {
            close(s);
            if (writer != null) {
                writer.stop();
            }
        }
    }

    private NodeId acceptHandshake(DataInputStream in, DataOutputStream out) throws IOException {
        Decoder hello = Decoder.message(readFrame(in, HANDSHAKE_MAX), VERSION);
        NodeId dialer = NodeId.of(hello.bytes(NodeId.MAX_LENGTH));
        byte[] theirs = hello.raw(32);
        hello.finish();
        PublicKey key = config.crypto().decodePublicKey(dialer.bytes()).orElse(null);
        if (hello.kind() != HELLO || !links.containsKey(dialer) || key == null) {
            return null;
        }
        byte[] ours = challenge();
        byte[] signature = config.key().sign(transcript("acceptor", dialer, self(), theirs, ours));
        writeFrame(out, Encoder.message(VERSION, CHALLENGE).bytes(self().bytes()).raw(ours).bytes(signature)
                .toByteArray());
        Decoder proof = Decoder.message(readFrame(in, HANDSHAKE_MAX), VERSION);
        byte[] theirSignature = proof.bytes(256);
        proof.finish();
        if (proof.kind() != PROOF
                || !config.crypto().verify(key, transcript("dialer", dialer, self(), theirs, ours), theirSignature)) {
            return null;
        }
        writeFrame(out, Encoder.message(VERSION, ACCEPT).toByteArray());
        return dialer;
    }

    private CompletionStage<byte[]> answer(InstanceId channel, NodeId from, byte[] request) {
        RequestHandler handler = handlers.get(channel);
        try {
            CompletionStage<byte[]> stage = handler == null
                    ? CompletableFuture.failedFuture(new IllegalStateException("no handler for " + channel))
                    : handler.handle(from, request);
            return stage == null ? CompletableFuture.failedFuture(new IllegalStateException("null stage")) : stage;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private byte[] answerFrame(long id, byte[] response, Throwable error) {
        Encoder e = Encoder.message(VERSION, RESPONSE);
        if (error == null && response != null && response.length <= limits.maxFrameBytes()) {
            return e.i64(id).bytes(response).toByteArray();
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Kind kind = error == null && response != null ? Kind.FRAME_TOO_LARGE : Kind.REMOTE_ERROR;
        String message = cause == null ? kind + ": response of " + (response == null ? "null" : response.length)
                : "handler failed: " + cause;
        return Encoder.message(VERSION, ERROR).i64(id).u8(kind == Kind.FRAME_TOO_LARGE ? 2 : 1)
                .bytes(message.getBytes(StandardCharsets.UTF_8)).toByteArray();
    }

    /** Writes one connection's answers, in order, on a thread of its own. */
    private final class Writer implements Runnable {
        private static final byte[] STOP = new byte[0];
        private final Socket socket;
        private final DataOutputStream out;
        private final LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();

        Writer(Socket socket, DataOutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        void send(byte[] frame, Runnable written) {
            queue.add(new Object[] {frame, written});
        }

        void stop() {
            queue.add(new Object[] {STOP, (Runnable) () -> { }});
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Object[] item = queue.take();
                    if (item[0] == STOP) {
                        return;
                    }
                    writeFrame(out, (byte[]) item[0]);
                    ((Runnable) item[1]).run();
                }
            } catch (IOException | InterruptedException e) {
                close(socket);
            }
        }
    }

    // ---- outgoing ----

    private static final class Pending {
        final long id;
        final Link link;
        final byte[] frame;
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        volatile ScheduledFuture<?> timeout;

        Pending(long id, Link link, byte[] frame) {
            this.id = id;
            this.link = link;
            this.frame = frame;
        }
    }

    /** Our requests to one peer: a sender thread that connects on demand and writes them, in order. */
    private final class Link {
        final NodeId id;
        final InetSocketAddress address;
        final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        final Map<Long, Pending> inFlight = new ConcurrentHashMap<>();
        private boolean started;
        private volatile Socket socket;
        private DataOutputStream out;

        Link(NodeId id, InetSocketAddress address) {
            this.id = id;
            this.address = address;
        }

        void submit(Pending p) {
            queue.add(p);
            synchronized (this) {
                if (!started) {
                    started = true;
                    threads.execute(this::sendLoop);
                }
            }
        }

        private void sendLoop() {
            long backoff = 20;
            try {
                while (!closed) {
                    Pending p = queue.take();
                    if (pending.get(p.id) != p) {
                        continue;
                    }
                    if (socket == null) {
                        try {
                            connect();
                            backoff = 20;
                        } catch (TransportException e) {
                            finish(p, null, e);
                            for (Pending q = queue.poll(); q != null; q = queue.poll()) {
                                finish(q, null, e);
                            }
                            Thread.sleep(backoff);
                            backoff = Math.min(1000, backoff * 2);
                            continue;
                        }
                    }
                    inFlight.put(p.id, p);
                    try {
                        writeFrame(out, p.frame);
                    } catch (IOException e) {
                        lost(socket);
                    }
                }
            } catch (InterruptedException e) {
                // closing
            }
        }

        private void connect() {
            Socket s = new Socket();
            if (!track(s)) {
                throw new TransportException(Kind.CLOSED, "closed");
            }
            ScheduledFuture<?> deadline = watchdog(s, limits.connectTimeout().toMillis());
            try {
                s.connect(address, (int) limits.connectTimeout().toMillis());
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
                dial(config, id, in, o);
                out = o;
                socket = s;
                threads.execute(() -> readResponses(s, in));
            } catch (IOException | RuntimeException e) {
                close(s);
                throw e instanceof TransportException te ? te
                        : new TransportException(Kind.UNREACHABLE, "cannot reach " + id + ": " + e, e);
            } finally {
                deadline.cancel(false);
            }
        }

        private void readResponses(Socket s, DataInputStream in) {
            try {
                while (true) {
                    Decoder d = Decoder.message(readFrame(in, s, limits.maxFrameBytes() + OVERHEAD), VERSION);
                    Pending p = inFlight.remove(d.i64());
                    if (d.kind() == RESPONSE) {
                        byte[] response = d.bytes(limits.maxFrameBytes());
                        if (p != null) {
                            finish(p, response, null);
                        }
                    } else if (d.kind() == ERROR) {
                        Kind kind = d.u8() == 2 ? Kind.FRAME_TOO_LARGE : Kind.REMOTE_ERROR;
                        String message = new String(d.bytes(4096), StandardCharsets.UTF_8);
                        if (p != null) {
                            finish(p, null, new TransportException(kind, id + ": " + message));
                        }
                    } else {
                        return;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // closed or malformed
            } finally {
                lost(s);
            }
        }

        private void lost(Socket s) {
            close(s);
            if (socket == s) {
                socket = null;
            }
            for (Pending p : inFlight.values()) {
                finish(p, null, closed ? new TransportException(Kind.CLOSED, "closed")
                        : new TransportException(Kind.UNREACHABLE, "connection to " + id + " lost"));
            }
        }
    }

    // ---- shared ----

    /**
     * The dialer's side of the handshake on a connected socket, as {@code config.self()} towards {@code peer}:
     * returns once the peer has proven its id and accepted ours. The example's adversary tap uses it too.
     *
     * @throws TransportException if the peer does not prove it is {@code peer} or does not accept us
     */
    static void dial(TransportConfig config, NodeId peer, DataInputStream in, DataOutputStream out)
            throws IOException {
        byte[] ours = challenge();
        writeFrame(out, Encoder.message(VERSION, HELLO).bytes(config.self().bytes()).raw(ours).toByteArray());
        Decoder c = Decoder.message(readFrame(in, HANDSHAKE_MAX), VERSION);
        NodeId answered = NodeId.of(c.bytes(NodeId.MAX_LENGTH));
        byte[] theirs = c.raw(32);
        byte[] signature = c.bytes(256);
        c.finish();
        PublicKey key = config.crypto().decodePublicKey(answered.bytes()).orElse(null);
        if (c.kind() != CHALLENGE || !answered.equals(peer) || key == null || !config.crypto().verify(key,
                transcript("acceptor", config.self(), peer, ours, theirs), signature)) {
            throw new TransportException(Kind.AUTHENTICATION, "the peer did not prove it is " + peer);
        }
        writeFrame(out, Encoder.message(VERSION, PROOF)
                .bytes(config.key().sign(transcript("dialer", config.self(), peer, ours, theirs))).toByteArray());
        if (Decoder.message(readFrame(in, HANDSHAKE_MAX), VERSION).kind() != ACCEPT) {
            throw new TransportException(Kind.AUTHENTICATION, peer + " did not accept us");
        }
    }

    /** The body of a request frame (the frame is its 4-byte length, then the body). */
    static byte[] requestBody(long id, InstanceId channel, byte[] request) {
        return Encoder.message(VERSION, REQUEST).i64(id).bytes(channel.bytes()).bytes(request).toByteArray();
    }

    private static byte[] challenge() {
        byte[] c = new byte[32];
        RANDOM.nextBytes(c);
        return c;
    }

    private static byte[] transcript(String role, NodeId dialer, NodeId acceptor, byte[] dialerChallenge,
                                     byte[] acceptorChallenge) {
        return Domain.signingBytes("example/socket/v1/" + role, SCOPE, new Encoder().bytes(dialer.bytes())
                .bytes(acceptor.bytes()).raw(dialerChallenge).raw(acceptorChallenge).toByteArray());
    }

    private ScheduledFuture<?> watchdog(Socket s, long millis) {
        return timers.schedule(() -> close(s), Math.max(1, millis), TimeUnit.MILLISECONDS);
    }

    /** Reads one frame of at most {@code max} bytes, with no deadline of its own (the handshake's covers it). */
    private static byte[] readFrame(DataInputStream in, int max) throws IOException {
        return readRest(in, firstByte(in), max);
    }

    /**
     * Reads one frame after the handshake: the rest of a frame must follow its first byte within the handshake
     * timeout plus one second per 64 KiB, or the watchdog closes the socket.
     */
    private byte[] readFrame(DataInputStream in, Socket guard, int max) throws IOException {
        int first = firstByte(in);
        ScheduledFuture<?> deadline = watchdog(guard, limits.handshakeTimeout().toMillis() + (long) max * 1000
                / (64 * 1024));
        try {
            return readRest(in, first, max);
        } finally {
            deadline.cancel(false);
        }
    }

    private static int firstByte(DataInputStream in) throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new EOFException();
        }
        return first;
    }

    private static byte[] readRest(DataInputStream in, int first, int max) throws IOException {
        int length = first << 24 | in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        if (length < 2 || length > max) {
            throw new IOException("frame of " + length + " bytes");
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return body;
    }

    static void writeFrame(DataOutputStream out, byte[] body) throws IOException {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    private boolean track(Socket s) {
        sockets.add(s);
        if (closed) {
            close(s);
            return false;
        }
        return true;
    }

    private void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.remove(s);
    }

    /**
     * Closes the listening socket and every connection, fails what is pending and ends every thread. Called on one of
     * the transport's own threads (from a handler or a request's callback), it neither waits for that thread nor
     * interrupts it: the thread ends once the callback returns. Called on any other thread, it waits for every
     * thread to end, also when an earlier close() from a callback started the shutdown.
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
                server.close();
            } catch (IOException e) {
                // closing anyway
            }
            sockets.forEach(this::close);
            threads.shutdown();
            timers.shutdown();
            for (Thread t : own) {
                if (t != Thread.currentThread()) {
                    t.interrupt(); // wakes senders and writers waiting for work, and readers waiting for room
                }
            }
            for (Pending p : pending.values()) {
                finish(p, null, new TransportException(Kind.CLOSED, "closed"));
            }
        }
        if (own.contains(Thread.currentThread())) {
            return;
        }
        try {
            threads.awaitTermination(30, TimeUnit.SECONDS);
            timers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
