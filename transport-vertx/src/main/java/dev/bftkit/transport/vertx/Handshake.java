package dev.bftkit.transport.vertx;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.codec.Domain;
import dev.bftkit.api.codec.Encoder;
import java.security.SecureRandom;

/**
 * The handshake, dialer first: the acceptor spends a signature only on a dialer that has proven a member's key.
 *
 * <ol>
 *   <li>The acceptor sends CHALLENGE (a fresh random challenge) as soon as it accepts the connection; this costs it
 *       nothing and proves nothing.
 *   <li>The dialer sends HELLO: its id, a fresh challenge of its own, and its signature over the dialer transcript
 *       (both ids, both challenges). The acceptor checks, in order, that the id is a configured peer, that it decodes
 *       as a key, that the address it comes from has verifications left ({@link HandshakeBudget}), and that the
 *       signature verifies; anything else is a REFUSE and the connection closes.
 *   <li>The acceptor sends ACCEPT: its signature over the acceptor transcript. The dialer checks it against the key
 *       of the peer it meant to reach, and only then sends requests; the acceptor reads requests from then on, and
 *       their sender is the id proven in HELLO.
 * </ol>
 *
 * <p>What each side signs is a domain tag naming its role, then both node ids and both fresh challenges. Including
 * both challenges makes every proof fresh (no replay from an earlier connection), including both ids binds it to
 * this pair, and the role tag stops a proof made as the acceptor from being passed off as a dialer's (or the other
 * way round). Version 1's tags differ, so no signature made for it verifies here. Like any handshake over a
 * connection whose later bytes are neither encrypted nor authenticated, it proves who the two ends are when it runs;
 * a party that can intercept a dialer's connection to a peer's address can relay it and stay in the path.
 */
final class Handshake {
    static final String DIALER = "bftkit/transport/v2/handshake/dialer";
    static final String ACCEPTOR = "bftkit/transport/v2/handshake/acceptor";
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
