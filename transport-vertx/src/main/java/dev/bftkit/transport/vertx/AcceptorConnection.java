package dev.bftkit.transport.vertx;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.TransportLimits;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.Optional;

/**
 * A connection a peer opened to us: it carries that peer's requests and our responses. We send a challenge at once
 * (CHALLENGE); the dialer answers with its id, its challenge and its signature over both (HELLO); we check it and
 * answer with our own signature (ACCEPT). Only then are requests read, and their {@code from} is the proven id. We
 * sign nothing for a dialer that has not proven its key (see {@link Handshake}).
 */
final class AcceptorConnection extends Connection {
    /** What an inbound connection needs of the transport beyond what every connection does. On the loop. */
    interface Host extends Connection.Host {
        /** @return true if {@code id} is a configured peer */
        boolean isPeer(NodeId id);

        /** @return true if the connection's source address may make us verify a handshake signature now */
        boolean mayVerifyHandshake(AcceptorConnection c);

        /**
         * Runs a peer's request through its channel's handler; the answer comes back through {@link
         * AcceptorConnection#answer}.
         */
        void serveRequest(AcceptorConnection c, long id, InstanceId channel, byte[] request);

        /**
         * @param peer an authenticated peer
         * @return true while that peer's requests in our handlers, on all its connections together, reach
         *     {@link TransportLimits#maxPendingRequests()} or {@link #PEER_BUDGET_BYTES}: read none of it
         */
        boolean overBudget(NodeId peer);

        /**
         * A peer's request went to its handler: charged to that peer until {@link #released}.
         *
         * @param peer the peer
         * @param bytes the request's payload length
         */
        void charged(NodeId peer, int bytes);

        /**
         * A handler answered a peer's request, whether or not the connection it came on is still open: the peer's
         * current connection may read again.
         *
         * @param peer the peer
         * @param bytes the request's payload length
         */
        void released(NodeId peer, int bytes);

        /** An answer to a peer that reads too little was replaced by an error. */
        void answerRefused(AcceptorConnection c);

        /** The connection closed. */
        void inboundClosed(AcceptorConnection c);
    }

    /**
     * What one peer may make us hold, in bytes, twice over: the payloads of its requests in our handlers, on all its
     * connections together, including ones closed since (reading stops while they reach this, on whichever connection
     * the peer opens), and our answers to it waiting to be written beyond the socket's write queue
     * (answers beyond this are replaced by an {@link Kind#OVERLOADED} error, as a peer that reads nothing would
     * otherwise make us queue every answer). Each may exceed it by one frame.
     */
    static final long PEER_BUDGET_BYTES = 16L * 1024 * 1024;

    private enum State { HELLO, OPEN }

    private final Host host;
    private final String source;
    private State state = State.HELLO;
    private NodeId peer;
    private byte[] ourChallenge = Handshake.challenge();
    private long unwrittenAnswerBytes;

    AcceptorConnection(Host host, NetSocket socket) {
        super(host, socket, System.nanoTime(), host.limits().handshakeTimeout().toNanos());
        this.host = host;
        this.source = sourceOf(socket);
    }

    /** @return the IP address a socket comes from, which handshake slots are counted by */
    static String sourceOf(NetSocket socket) {
        io.vertx.core.net.SocketAddress remote = socket.remoteAddress();
        return remote == null || remote.hostAddress() == null ? "an unknown address" : remote.hostAddress();
    }

    @Override
    void start() {
        super.start();
        send(Wire.challenge(ourChallenge));
    }

    /** @return the IP address the connection comes from */
    String source() {
        return source;
    }

    /** @return the authenticated peer, or null before the handshake completes */
    NodeId peer() {
        return state == State.OPEN ? peer : null;
    }

    @Override
    String describe() {
        return "inbound connection from " + (peer == null ? socket.remoteAddress() : peer);
    }

    @Override
    void frame(int type, Wire.Reader body) {
        switch (state) {
            case HELLO -> hello(type, body);
            case OPEN -> {
                if (type != Wire.REQUEST) {
                    throw Wire.protocol("unexpected frame type " + type + " on an open connection");
                }
                long id = body.u64("request id");
                InstanceId channel = body.channel();
                host.serveRequest(this, id, channel, body.payload(host.limits().maxFrameBytes()));
            }
        }
    }

    private void hello(int type, Wire.Reader body) {
        if (type != Wire.HELLO) {
            throw Wire.protocol("expected HELLO, got frame type " + type);
        }
        NodeId claimed = body.nodeId("node id");
        byte[] dialerChallenge = body.raw(Wire.CHALLENGE_BYTES, "challenge");
        byte[] signature = body.u16Bytes("signature");
        body.finish("HELLO");
        if (!host.isPeer(claimed)) {
            refuseHandshake(claimed + " is not a configured peer");
            return;
        }
        Optional<PublicKey> key = host.crypto().decodePublicKey(claimed.bytes());
        if (key.isEmpty()) {
            refuseHandshake(claimed + " is not a valid public key");
            return;
        }
        if (!host.mayVerifyHandshake(this)) {
            refuse(Kind.OVERLOADED, "too many handshakes from " + source + "; try again later");
            return;
        }
        byte[] transcript = Handshake.transcript(Handshake.DIALER, claimed, host.self(), dialerChallenge,
                ourChallenge);
        if (!host.crypto().verify(key.get(), transcript, signature)) {
            refuseHandshake("the handshake signature does not verify for " + claimed);
            return;
        }
        peer = claimed;
        send(Wire.accept(host.sign(Handshake.transcript(Handshake.ACCEPTOR, claimed, host.self(),
                dialerChallenge, ourChallenge))));
        ourChallenge = null;
        state = State.OPEN;
        authenticated();
    }

    /** Refuses the handshake, counted and logged, and closes. */
    private void refuseHandshake(String reason) {
        host.stats().record(TransportStats.Event.HANDSHAKES_REFUSED, () -> "refused a handshake from "
                + socket.remoteAddress() + ": " + reason);
        refuse(Kind.AUTHENTICATION, reason);
    }

    /**
     * A request went to the handler.
     *
     * @param bytes its payload's length
     */
    void started(int bytes) {
        host.charged(peer, bytes);
        updateReading();
    }

    /**
     * A handler finished: send its answer (unless the connection is gone, or an error instead if the peer has too
     * much unread already) and read on.
     *
     * @param id the request's id
     * @param frame the answer
     * @param requestBytes the request's payload length
     */
    void answer(long id, Buffer frame, int requestBytes) {
        host.released(peer, requestBytes);
        if (isWriteBlocked()) {
            if (unwrittenAnswerBytes + frame.length() > PEER_BUDGET_BYTES) {
                host.answerRefused(this);
                frame = Wire.error(id, Kind.OVERLOADED, unwrittenAnswerBytes + " bytes of answers to you are waiting "
                        + "to be written: read them");
            }
            unwrittenAnswerBytes += frame.length();
        }
        send(frame);
        updateReading();
    }

    @Override
    void writable() {
        unwrittenAnswerBytes = 0;
    }

    @Override
    boolean holdReading() {
        return isWriteBlocked() || state == State.OPEN && host.overBudget(peer);
    }

    @Override
    void closed(TransportException reason) {
        host.inboundClosed(this);
    }
}
