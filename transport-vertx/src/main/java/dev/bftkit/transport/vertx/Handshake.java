package dev.bftkit.transport.vertx;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Domain;
import dev.bftkit.api.codec.Encoder;
import java.security.SecureRandom;

/**
 * What each side of a connection signs to prove it holds its node key: a domain tag naming its role, then both node
 * ids and both fresh challenges. Including both challenges makes every proof fresh (no replay from an earlier
 * connection), including both ids binds it to this pair, and the role tag stops a proof made as the acceptor from
 * being reflected back as a dialer's proof (or the other way round).
 */
final class Handshake {
    static final String DIALER = "bftkit/transport/v1/handshake/dialer";
    static final String ACCEPTOR = "bftkit/transport/v1/handshake/acceptor";
    private static final InstanceId SCOPE = InstanceId.of("bftkit/transport/handshake");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /** @return a fresh random challenge */
    static byte[] challenge() {
        byte[] c = new byte[Wire.CHALLENGE_BYTES];
        RANDOM.nextBytes(c);
        return c;
    }

    /**
     * @param role {@link #DIALER} or {@link #ACCEPTOR}: whose proof this is
     * @param dialer the id of the side that opened the connection
     * @param acceptor the id of the side that accepted it
     * @param dialerChallenge the dialer's challenge
     * @param acceptorChallenge the acceptor's challenge
     * @return the bytes the role's side signs
     */
    static byte[] transcript(String role, NodeId dialer, NodeId acceptor, byte[] dialerChallenge,
                             byte[] acceptorChallenge) {
        byte[] content = new Encoder(160).bytes(dialer.bytes()).bytes(acceptor.bytes()).bytes(dialerChallenge)
                .bytes(acceptorChallenge).toByteArray();
        return Domain.signingBytes(role, SCOPE, content);
    }
}
