package dev.bftkit.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the handshake makes the listening node spend for callers that have not proven a member's key. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VertxHandshakeTest {
    private static final InstanceId CHANNEL = InstanceId.of("handshake");
    private static final TransportLimits LIMITS =
            new TransportLimits(64 * 1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(10));

    private final Crypto crypto = Plugins.crypto("bc").create();
    private final LoopbackNetwork net = LoopbackNetwork.create(crypto, 3, 6);

    @AfterEach
    void close() {
        net.close();
    }

    /**
     * An impostor that claims member 1's id (it knows the public key, not the private one) dials the node five times,
     * and a node outside the committee three times: the node signs nothing for them. Then member 1 itself connects,
     * and gets served.
     */
    @Test
    void theListenerSignsNothingForCallersThatHaveNotProvenTheirKey() throws Exception {
        Counting.Key key = new Counting.Key(net.key(0));
        Transport node = net.open(new VertxTransportProvider(), new TransportConfig(net.id(0), key, crypto,
                net.address(0), net.peersOf(0), LIMITS));
        node.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));

        SigningKey own = LoopbackNetwork.key(crypto, 0x1a2bL);
        Transport impostor = net.open(new VertxTransportProvider(), new TransportConfig(net.id(1),
                new Claiming(net.key(1).publicKey(), own), crypto, LoopbackNetwork.freeLoopbackAddress(),
                Map.of(net.id(0), net.address(0)), LIMITS));
        SigningKey outsider = LoopbackNetwork.key(crypto, 0x0575L);
        Transport stranger = net.open(new VertxTransportProvider(), new TransportConfig(
                outsider.publicKey().nodeId(), outsider, crypto, LoopbackNetwork.freeLoopbackAddress(),
                Map.of(net.id(0), net.address(0)), LIMITS));
        for (int attempt = 0; attempt < 5; attempt++) {
            assertThat(failure(impostor)).as("the impostor's request").isInstanceOf(TransportException.class);
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(failure(stranger)).as("the stranger's request").isInstanceOf(TransportException.class);
        }
        assertThat(key.signatures.get()).as("signatures the node made for an impostor and a stranger").isZero();

        Transport member = net.open(new VertxTransportProvider(), 1, LIMITS);
        assertThat(member.request(net.id(0), CHANNEL, new byte[] {9}, Duration.ofSeconds(10)).toCompletableFuture()
                .get(60, TimeUnit.SECONDS)).containsExactly(9);
        assertThat(key.signatures.get()).as("signatures the node made, for the member's handshake").isEqualTo(1);
    }

    /**
     * A caller without a key can still make the node verify a signature: it claims member 1's id and sends 64 junk
     * bytes as its proof. 300 such handshakes from one address, while the node's clock stands still, cost the node
     * that address's burst of verifications ({@link HandshakeBudget}: 64, then 16 a second by that clock); the rest
     * are refused unverified and counted. A member at another address gets in meanwhile.
     */
    @Test
    void verificationsForOneAddressAreBounded() throws Exception {
        Counting.Suite suite = new Counting.Suite(crypto);
        VertxTransport node = (VertxTransport) net.open(new ManualClock().provider(), new TransportConfig(net.id(0),
                net.key(0), suite, net.address(0), net.peersOf(0), LIMITS));
        node.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
        int attempts = 300;
        int refused = 0;
        for (int k = 0; k < attempts; k++) {
            try (Socket s = new Socket()) {
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
                s.connect(net.address(0), 10_000);
                s.setSoTimeout(60_000);
                DataInputStream in = new DataInputStream(s.getInputStream());
                in.readFully(new byte[in.readInt()]); // CHALLENGE
                s.getOutputStream().write(Wire.hello(net.id(1), Handshake.challenge(), new byte[64]).getBytes());
                byte[] answer = new byte[in.readInt()];
                in.readFully(answer);
                if (answer[1] == Wire.REFUSE) {
                    refused++;
                }
            }
        }
        assertThat(refused).as("junk handshakes refused").isEqualTo(attempts);
        assertThat(suite.verifications.get()).as("signatures the node verified for %d junk handshakes from one "
                + "address", attempts).isEqualTo(HandshakeBudget.MIN_BURST);
        assertThat(node.stats().count(TransportStats.Event.HANDSHAKES_THROTTLED)).as("handshakes refused unverified")
                .isEqualTo(attempts - HandshakeBudget.MIN_BURST);
        Transport member = net.open(new VertxTransportProvider(), 1, LIMITS);
        assertThat(member.request(net.id(0), CHANNEL, new byte[] {4}, Duration.ofSeconds(10)).toCompletableFuture()
                .get(60, TimeUnit.SECONDS)).containsExactly(4);
    }

    /**
     * Junk handshakes from 20 addresses no member has connected from, 20 from each (within each address's own
     * burst), while the node's clock stands still: with member 1's first handshake (unproven then too) they cost
     * the node the shared burst of verifications ({@link HandshakeBudget#MIN_SHARED_BURST}) and the rest are refused
     * unverified. Member 1, which connected
     * from 127.0.0.1 before the attack, reconnects from there and is served; member 2, on an address no member has
     * connected from, is refused until the node's clock moves on a second.
     */
    @Test
    void verificationsForAllUnprovenAddressesAreBoundedAndProvenMembersStillGetIn() throws Exception {
        Counting.Suite suite = new Counting.Suite(crypto);
        ManualClock clock = new ManualClock();
        VertxTransport node = (VertxTransport) net.open(clock.provider(), new TransportConfig(net.id(0),
                net.key(0), suite, net.address(0), net.peersOf(0), LIMITS));
        node.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
        Transport before = net.open(new VertxTransportProvider(), 1, LIMITS);
        assertThat(before.request(net.id(0), CHANNEL, new byte[] {1}, Duration.ofSeconds(10)).toCompletableFuture()
                .get(60, TimeUnit.SECONDS)).containsExactly(1);
        before.close();

        int addresses = 20;
        int each = 20;
        for (int a = 0; a < addresses; a++) {
            for (int k = 0; k < each; k++) {
                assertThat(hello(InetAddress.getByAddress(new byte[] {127, 0, 3, (byte) a}), null))
                        .as("the answer to a junk handshake").isEqualTo(Wire.REFUSE);
            }
        }
        assertThat(suite.verifications.get()).as("signatures the node verified for member 1's first handshake and "
                + "%d junk handshakes from %d addresses, all unproven when they came", addresses * each, addresses)
                .isEqualTo(HandshakeBudget.MIN_SHARED_BURST);
        assertThat(node.stats().count(TransportStats.Event.HANDSHAKES_THROTTLED)).as("handshakes refused unverified")
                .isEqualTo(addresses * each - (HandshakeBudget.MIN_SHARED_BURST - 1));

        Transport again = net.open(new VertxTransportProvider(), 1, LIMITS);
        assertThat(again.request(net.id(0), CHANNEL, new byte[] {2}, Duration.ofSeconds(10)).toCompletableFuture()
                .get(60, TimeUnit.SECONDS)).as("member 1, from the address it connected from before").containsExactly(2);
        InetAddress fresh = InetAddress.getByAddress(new byte[] {127, 0, 3, 100});
        assertThat(hello(fresh, net.key(2))).as("member 2 from an address no member has connected from")
                .isEqualTo(Wire.REFUSE);
        clock.advance(Duration.ofSeconds(1));
        assertThat(hello(fresh, net.key(2))).as("member 2, a second later").isEqualTo(Wire.ACCEPT);
    }

    /**
     * Dials the node from {@code from} and answers its CHALLENGE with a HELLO as the key's node (as member 1 with
     * junk for a signature if {@code key} is null).
     *
     * @return the type of the frame the node answers with
     */
    private int hello(InetAddress from, SigningKey key) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(net.address(0), 10_000);
            s.setSoTimeout(60_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] challenge = new byte[in.readInt()];
            in.readFully(challenge); // version, type, then the acceptor's challenge
            byte[] acceptorChallenge = Arrays.copyOfRange(challenge, 2, 2 + Wire.CHALLENGE_BYTES);
            byte[] ours = Handshake.challenge();
            NodeId id = key == null ? net.id(1) : key.publicKey().nodeId();
            byte[] signature = key == null ? new byte[64]
                    : key.sign(Handshake.transcript(Handshake.DIALER, id, net.id(0), ours, acceptorChallenge));
            s.getOutputStream().write(Wire.hello(id, ours, signature).getBytes());
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            return answer[1];
        }
    }

    /** @return how a request to member 0 failed (null if it succeeded) */
    private Throwable failure(Transport from) throws Exception {
        return from.request(net.id(0), CHANNEL, new byte[] {1}, Duration.ofSeconds(10)).toCompletableFuture()
                .handle((r, e) -> e).get(60, TimeUnit.SECONDS);
    }

    /** Claims another node's public key but signs with its own: what an impostor has. */
    private record Claiming(PublicKey publicKey, SigningKey actual) implements SigningKey {
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
