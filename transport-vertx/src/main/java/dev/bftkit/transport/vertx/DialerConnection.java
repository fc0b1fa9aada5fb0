package dev.bftkit.transport.vertx;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.PublicKey;
import io.vertx.core.net.NetSocket;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A connection we opened to a peer: it carries our requests to that peer and its responses. We wait for the peer's
 * CHALLENGE, prove our key in HELLO, and check that the ACCEPT answer is signed by the peer we meant to reach (a node
 * that knows only the peer's public key cannot sign it). No request leaves before that (see {@link Handshake}).
 */
final class DialerConnection extends Connection implements Pending.Carrier {
    /** What an outbound connection needs of the transport beyond what every connection does. On the loop. */
    interface Host extends Connection.Host {
        /**
         * Completes a request once; later calls for it do nothing.
         *
         * @return true if this call completed it
         */
        boolean finish(Pending p, byte[] response, TransportException error);
    }

    /** Our outgoing side to the peer, which opened this connection and queues the requests it carries. On the loop. */
    interface Link {
        /** @return the peer */
        NodeId id();

        /** @return where the peer listens */
        InetSocketAddress address();

        /** The handshake completed. */
        void opened(DialerConnection c);

        /** The connection may take more requests (it is open and its write queue drained). */
        void flush();

        /**
         * The connection closed.
         *
         * @param wasOpen whether its handshake had completed
         */
        void lost(DialerConnection c, TransportException reason, boolean wasOpen);
    }

    private enum State { CHALLENGE, ACCEPT, OPEN }

    private final Host host;
    private final Link link;
    private final byte[] ourChallenge = Handshake.challenge();
    private final Map<Long, Pending> inFlight = new HashMap<>();
    private State state = State.CHALLENGE;
    private byte[] theirChallenge;

    DialerConnection(Host host, Link link, NetSocket socket, long startedNanos) {
        super(host, socket, startedNanos, host.limits().connectTimeout().toNanos());
        this.host = host;
        this.link = link;
    }

    @Override
    String describe() {
        return "connection to " + link.id();
    }

    /** @return true once the handshake completed */
    boolean isOpen() {
        return state == State.OPEN && !isClosed();
    }

    /**
     * Sends a request on this open connection.
     *
     * @param p the request
     */
    void send(Pending p) {
        inFlight.put(p.id, p);
        p.sentOn = this;
        p.sentNanos = System.nanoTime();
        send(p.frame);
        p.frame = null;
    }

    @Override
    public void forget(Pending p) {
        inFlight.remove(p.id);
    }

    @Override
    public void timedOut(Pending p) {
        if (silentSince(p.sentNanos)) {
            close(Kind.UNREACHABLE, "nothing received since a request that timed out was sent");
        }
    }

    @Override
    void frame(int type, Wire.Reader body) {
        if (type == Wire.REFUSE) {
            Kind kind = Wire.kind(body.u8("error code"));
            close(kind, "refused by " + link.id() + ": " + body.text("message"));
            return;
        }
        switch (state) {
            case CHALLENGE -> challenge(type, body);
            case ACCEPT -> accept(type, body);
            case OPEN -> answer(type, body);
        }
    }

    private void challenge(int type, Wire.Reader body) {
        if (type != Wire.CHALLENGE) {
            throw Wire.protocol("expected CHALLENGE, got frame type " + type);
        }
        theirChallenge = body.raw(Wire.CHALLENGE_BYTES, "challenge");
        body.finish("CHALLENGE");
        send(Wire.hello(host.self(), ourChallenge, host.sign(Handshake.transcript(Handshake.DIALER,
                host.self(), link.id(), ourChallenge, theirChallenge))));
        state = State.ACCEPT;
    }

    private void accept(int type, Wire.Reader body) {
        if (type != Wire.ACCEPT) {
            throw Wire.protocol("expected ACCEPT, got frame type " + type);
        }
        byte[] signature = body.u16Bytes("signature");
        body.finish("ACCEPT");
        Optional<PublicKey> key = host.crypto().decodePublicKey(link.id().bytes());
        byte[] transcript = Handshake.transcript(Handshake.ACCEPTOR, host.self(), link.id(), ourChallenge,
                theirChallenge);
        if (key.isEmpty() || !host.crypto().verify(key.get(), transcript, signature)) {
            throw new TransportException(Kind.AUTHENTICATION, link.address() + " did not prove it is " + link.id()
                    + ": the handshake signature does not verify");
        }
        state = State.OPEN;
        authenticated();
        link.opened(this);
    }

    private void answer(int type, Wire.Reader body) {
        long id = body.u64("request id");
        // read the whole frame before taking the request: a malformed one closes the connection, which fails it
        if (type == Wire.RESPONSE) {
            byte[] payload = body.payload(host.limits().maxFrameBytes());
            Pending p = inFlight.remove(id);
            if (p != null) {
                host.finish(p, payload, null);
            }
        } else if (type == Wire.ERROR) {
            Kind kind = Wire.kind(body.u8("error code"));
            String message = body.text("message");
            body.finish("ERROR");
            Pending p = inFlight.remove(id);
            if (p != null) {
                host.finish(p, null, new TransportException(kind, link.id() + " answered: " + message));
            }
        } else {
            throw Wire.protocol("unexpected frame type " + type + " on an open connection");
        }
    }

    @Override
    void writable() {
        link.flush();
    }

    @Override
    void closed(TransportException reason) {
        boolean wasOpen = state == State.OPEN;
        TransportException failure = wasOpen && reason.kind() == Kind.UNREACHABLE
                ? new TransportException(Kind.UNREACHABLE, "connection to " + link.id() + " lost before the response")
                : reason;
        for (Pending p : inFlight.values().toArray(new Pending[0])) {
            host.finish(p, null, failure);
        }
        inFlight.clear();
        link.lost(this, reason, wasOpen);
    }
}
