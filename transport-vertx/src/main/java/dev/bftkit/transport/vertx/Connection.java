package dev.bftkit.transport.vertx;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.TransportLimits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;

/**
 * One TCP connection: framing, the handshake and frame deadlines, write backpressure and closing. Everything here
 * runs on the transport's single event-loop thread, so nothing is locked.
 *
 * <p>Reading: bytes accumulate until a whole frame is in; a length above the limit (small before authentication)
 * closes the connection at once, so a peer can never make us buffer more than one bounded frame. A partial frame
 * or an unfinished handshake older than its deadline closes the connection too (see {@link #overdue}).
 *
 * <p>A connection knows its owner only as a {@link Host}: what every connection shares (our id, key, crypto, limits
 * and counters) and where it reports its life (opened, authenticated, closed).
 */
abstract class Connection {
    /** What a connection needs of the transport that owns it. On the loop. */
    interface Host {
        /** @return our own id */
        NodeId self();

        TransportLimits limits();

        Crypto crypto();

        /** @return our signature over {@code message} */
        byte[] sign(byte[] message);

        /** @return the counters attacks and misbehaving peers are recorded in */
        TransportStats stats();

        /** A connection started: held until {@link #untrack} (for the deadline sweep and closing). */
        void track(Connection c);

        /** A connection's handshake completed. */
        void authenticated(Connection c);

        /** A connection closed. */
        void untrack(Connection c);

        /**
         * A connection was closed: its socket writes what it has queued, and is closed at once after {@link
         * Connection#CLOSE_GRACE_MS} (or at once if the transport is closing).
         */
        void closing(Connection c);
    }

    /** A partial frame must arrive at least this fast, after a grace of the handshake timeout. */
    static final long MIN_BYTES_PER_SECOND = 64 * 1024;
    /** Bytes queued for writing beyond which the socket counts as full. */
    static final int WRITE_QUEUE_BYTES = 1024 * 1024;
    /**
     * How long a closed connection may take to write what it has queued (a refusal, say) before its socket is closed
     * at once, dropping the rest: a peer that stops reading would otherwise keep the socket and its queue forever.
     */
    static final long CLOSE_GRACE_MS = 1000;

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());

    private final Host host;
    final NetSocket socket;
    private final long startedNanos;
    private final long handshakeNanos;

    private Buffer pending;
    private int pos;
    private long partialSince;
    private boolean exact;
    private long lastReceivedNanos;
    private boolean processing;
    private boolean paused;
    private boolean writeBlocked;
    private boolean authenticated;
    private boolean closed;

    /**
     * @param host the owner
     * @param socket the connected socket
     * @param startedNanos when the connection attempt began ({@link System#nanoTime()})
     * @param handshakeNanos how long the handshake may take from then
     */
    Connection(Host host, NetSocket socket, long startedNanos, long handshakeNanos) {
        this.host = host;
        this.socket = socket;
        this.startedNanos = startedNanos;
        this.handshakeNanos = handshakeNanos;
    }

    /** Installs the socket's handlers; call once, on the loop. */
    void start() {
        socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
        socket.handler(this::received);
        socket.drainHandler(v -> {
            writeBlocked = false;
            updateReading();
            writable();
        });
        socket.exceptionHandler(e -> close(Kind.UNREACHABLE, "socket failed: " + e));
        socket.closeHandler(v -> close(Kind.UNREACHABLE, "connection closed by the other side"));
        host.track(this);
    }

    /**
     * Handles one whole frame.
     *
     * @param type the frame type
     * @param body the body after the version and type bytes
     * @throws TransportException to close the connection with that kind
     */
    abstract void frame(int type, Wire.Reader body);

    /**
     * The connection closed: fail what depends on it.
     *
     * @param reason why
     */
    abstract void closed(TransportException reason);

    /** @return true while the subclass wants no more frames (its own backlog is full) */
    boolean holdReading() {
        return false;
    }

    /** The write queue drained after being full. */
    void writable() {
    }

    /** @return a short name for messages */
    abstract String describe();

    final boolean isClosed() {
        return closed;
    }

    final boolean isAuthenticated() {
        return authenticated;
    }

    final boolean isWriteBlocked() {
        return writeBlocked;
    }

    /**
     * @param since a {@link System#nanoTime()}
     * @return true if the connection is open and nothing has arrived on it since then
     */
    final boolean silentSince(long since) {
        return !closed && lastReceivedNanos - since < 0;
    }

    /** @return true while reading is paused for backpressure */
    final boolean isPaused() {
        return paused;
    }

    /** The handshake succeeded: lifts the small pre-authentication frame limit and the handshake deadline. */
    final void authenticated() {
        authenticated = true;
        host.authenticated(this);
    }

    /**
     * Writes a frame unless closed; a full write queue marks the connection write-blocked until it drains.
     *
     * @param frame the frame
     */
    final void send(Buffer frame) {
        if (closed) {
            return;
        }
        socket.write(frame);
        if (!writeBlocked && socket.writeQueueFull()) {
            writeBlocked = true;
            updateReading();
        }
    }

    /** Pauses or resumes reading to match {@link #holdReading()} and, for servers, the write queue. */
    final void updateReading() {
        boolean hold = holdReading();
        if (hold && !paused) {
            paused = true;
            socket.pause();
        } else if (!hold && paused) {
            paused = false;
            if (partialSince != 0) {
                // the stall was ours: the partial frame's time starts again
                partialSince = System.nanoTime();
            }
            socket.resume();
            process();
        }
    }

    private void received(Buffer chunk) {
        if (closed) {
            return;
        }
        lastReceivedNanos = System.nanoTime();
        if (pending == null) {
            pending = chunk;
            pos = 0;
        } else {
            pending.appendBuffer(chunk);
        }
        process();
    }

    private void process() {
        if (processing) {
            return;
        }
        processing = true;
        try {
            while (!closed && !holdReading() && pending != null && pending.length() - pos >= Wire.HEADER) {
                long body = pending.getUnsignedInt(pos);
                long max = authenticated ? Wire.maxBody(host.limits().maxFrameBytes()) : Wire.MAX_HANDSHAKE_BODY;
                if (body < 2 || body > max) {
                    malformed(Kind.PROTOCOL, "frame body of " + body + " bytes (allowed 2.." + max + ")");
                    return;
                }
                if (pending.length() - pos - Wire.HEADER < body) {
                    break;
                }
                int start = pos + Wire.HEADER;
                int end = start + (int) body;
                pos = end;
                int version = pending.getUnsignedByte(start);
                if (version != Wire.VERSION) {
                    malformed(Kind.PROTOCOL, "unsupported protocol version " + version);
                    return;
                }
                try {
                    frame(pending.getUnsignedByte(start + 1), new Wire.Reader(pending, start + 2, end));
                } catch (TransportException e) {
                    malformed(e.kind(), e.getMessage());
                    return;
                }
            }
            compact();
        } finally {
            processing = false;
        }
        if (!closed && !paused && holdReading()) {
            updateReading(); // held before anything asked us to pause (a peer over its budget on a new connection)
        }
    }

    /**
     * Drops consumed frames. A partial frame whose length is known moves into a buffer of exactly its size, so a
     * large frame arriving in many chunks is copied once, not regrown.
     */
    private void compact() {
        if (pending == null) {
            return;
        }
        int length = pending.length();
        if (pos == length) {
            pending = null;
            pos = 0;
            partialSince = 0;
            exact = false;
            return;
        }
        boolean newFrame = pos > 0;
        int left = length - pos;
        if (newFrame) {
            exact = false;
        }
        if (!exact && left >= Wire.HEADER) {
            int size = (int) (Wire.HEADER + pending.getUnsignedInt(pos));
            pending = Buffer.buffer(size).appendBuffer(pending, pos, left);
            pos = 0;
            exact = true;
        } else if (newFrame) {
            pending = pending.getBuffer(pos, length);
            pos = 0;
        }
        if (newFrame || partialSince == 0) {
            partialSince = System.nanoTime();
        }
    }

    /**
     * @param now {@link System#nanoTime()}
     * @return true if the handshake or a partial frame has taken longer than allowed (not counting time we
     *     ourselves paused reading)
     */
    final boolean overdue(long now) {
        if (!authenticated) {
            return now - startedNanos > handshakeNanos;
        }
        if (pending == null || partialSince == 0 || paused) {
            return false;
        }
        long known = pending.length() - pos >= Wire.HEADER ? pending.getUnsignedInt(pos) : 0;
        long allowed = host.limits().handshakeTimeout().toNanos() + known * 1_000_000_000L / MIN_BYTES_PER_SECOND;
        return now - partialSince > allowed;
    }

    /**
     * Closes the socket and fails what depends on it. Idempotent.
     *
     * @param kind why, as the kind the failed requests carry
     * @param message what happened
     */
    final void close(Kind kind, String message) {
        if (closed) {
            return;
        }
        closed = true;
        pending = null;
        LOG.log(Level.DEBUG, () -> host.self() + ": closing " + describe() + ": " + message);
        socket.close();
        host.untrack(this);
        host.closing(this);
        closed(new TransportException(kind, describe() + ": " + message));
    }

    /**
     * Closes the socket at once, dropping whatever is still queued for writing: Vert.x's {@link NetSocket#close()}
     * waits until the queue is written, and its handler turns a close of the channel into the same wait, so this
     * closes from Vert.x's handler context towards the socket, past that handler. Idempotent.
     */
    final void closeNow() {
        if (socket instanceof NetSocketInternal internal) {
            internal.channelHandlerContext().close();
        } else {
            socket.close();
        }
    }

    /**
     * The peer sent what the protocol does not allow: counts a garbage connection and closes.
     *
     * @param kind the kind the failed requests carry
     * @param message what was wrong
     */
    final void malformed(Kind kind, String message) {
        host.stats().record(TransportStats.Event.GARBAGE_CONNECTIONS, () -> "closed " + describe() + ": "
                + message);
        close(kind, message);
    }

    /**
     * Sends a refusal, then closes.
     *
     * @param kind the reason's kind
     * @param message the reason, sent to the peer
     */
    final void refuse(Kind kind, String message) {
        send(Wire.refuse(kind, message));
        close(kind, message);
    }
}
