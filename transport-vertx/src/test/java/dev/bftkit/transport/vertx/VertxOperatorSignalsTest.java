package dev.bftkit.transport.vertx;

import static dev.bftkit.transport.vertx.Waits.PATIENCE_MS;
import static dev.bftkit.transport.vertx.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportConfig;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an operator sees of attacks on a node: garbage connections, refused handshakes, exhausted handshake slots and
 * handshakes that time out are counted in the transport's JMX MBean and logged at WARNING, at most one line per
 * kind every 10 s by the transport's clock, which these tests move by hand (the next line says how many were not
 * logged).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class VertxOperatorSignalsTest {
    private static final InstanceId CHANNEL = InstanceId.of("signals");
    private static final TransportLimits LIMITS =
            new TransportLimits(64 * 1024, 4096, Duration.ofSeconds(10), Duration.ofSeconds(2));

    private final Crypto crypto = Plugins.crypto("bc").create();
    private final LoopbackNetwork net = LoopbackNetwork.create(crypto, 2, 19);
    private final List<Socket> sockets = new ArrayList<>();
    private final Warnings warnings = new Warnings();
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void listen() {
        warnings.start();
    }

    @AfterEach
    void close() throws IOException {
        warnings.stop();
        for (Socket s : sockets) {
            s.close();
        }
        net.close();
    }

    /**
     * 40 garbage connections while the transport's clock stands still make one warning line; 10 s later by that
     * clock, the next one warns again and says how many were held back.
     */
    @Test
    void garbageConnectionsAreCountedAndWarnedAtMostOnceIn10Seconds() throws Exception {
        Transport node = open();
        int garbage = 40;
        for (int i = 0; i < garbage; i++) {
            sendGarbage();
        }
        eventually("every garbage connection counted", () -> counter(node, "GarbageConnections") == garbage);
        List<String> lines = warningsAbout("GarbageConnections");
        assertThat(lines).as("warning lines about %d garbage connections within 10 s", garbage).hasSize(1);
        assertThat(lines.get(0)).as("the first warning line").contains("127.0.0.1").contains("frame body of")
                .contains("(GarbageConnections: 1 since the transport opened)");

        clock.advance(Duration.ofSeconds(10));
        sendGarbage();
        eventually("the next garbage connection counted", () -> counter(node, "GarbageConnections") == garbage + 1);
        assertThat(warningsAbout("GarbageConnections")).as("warning lines 10 s later").hasSize(2).last().asString()
                .contains("(GarbageConnections: 41 since the transport opened, 39 more since the last such line)");
    }

    @Test
    void refusedHandshakesExhaustedSlotsAndTimeoutsAreCountedAndWarned() throws Exception {
        Transport node = open();
        SigningKey outsider = LoopbackNetwork.key(crypto, 0x5717L);
        Transport stranger = net.open(new VertxTransportProvider(), new TransportConfig(outsider.publicKey().nodeId(),
                outsider, crypto, LoopbackNetwork.freeLoopbackAddress(), Map.of(net.id(0), net.address(0)), LIMITS));
        stranger.request(net.id(0), CHANNEL, new byte[] {1}, Duration.ofSeconds(10)).toCompletableFuture()
                .handle((r, e) -> e).get(PATIENCE_MS, TimeUnit.MILLISECONDS);
        eventually("the stranger's handshake counted as refused", () -> counter(node, "HandshakesRefused") >= 1);

        int idle = VertxTransport.MAX_UNAUTHENTICATED + 20;
        for (int i = 0; i < idle; i++) {
            raw(); // says nothing: holds a handshake slot until the deadline, or is refused a slot
        }
        eventually("every idle connection refused a slot or timed out", () ->
                counter(node, "SlotsExhausted") + counter(node, "HandshakesTimedOut") == idle);
        assertThat(counter(node, "SlotsExhausted")).as("idle connections refused a handshake slot")
                .isGreaterThanOrEqualTo(20);
        for (String counter : List.of("HandshakesRefused", "SlotsExhausted", "HandshakesTimedOut")) {
            assertThat(warningsAbout(counter)).as("warning lines about %s", counter).isNotEmpty();
        }
        // the node kept serving its member throughout
        Transport member = net.open(new VertxTransportProvider(), 1, LIMITS);
        assertThat(member.request(net.id(0), CHANNEL, new byte[] {7}, Duration.ofSeconds(30)).toCompletableFuture()
                .get(PATIENCE_MS, TimeUnit.MILLISECONDS)).containsExactly(7);
    }

    private void sendGarbage() throws IOException {
        Socket s = raw();
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: bftkit\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        awaitClosedByServer(s);
    }

    private Transport open() {
        Transport node = net.open(clock.provider(), 0, LIMITS);
        node.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
        return node;
    }

    private Socket raw() throws IOException {
        Socket s = new Socket(net.address(0).getAddress(), net.address(0).getPort());
        s.setSoTimeout((int) PATIENCE_MS);
        sockets.add(s);
        return s;
    }

    private static void awaitClosedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() != -1) {
                // a refusal may come first
            }
        } catch (SocketException reset) {
            // closed too
        }
    }

    /** The transport's counter, read through JMX as a metrics module would. */
    private long counter(Transport node, String attribute) {
        try {
            ObjectName name = new ObjectName("dev.bftkit:type=VertxTransport,node=" + node.self() + ",port="
                    + net.address(0).getPort());
            return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + attribute + " of the transport's MBean: " + e, e);
        }
    }

    private List<String> warningsAbout(String counter) {
        List<String> out = new ArrayList<>();
        for (String message : warnings.messages()) {
            if (message.contains(counter + ":")) {
                out.add(message);
            }
        }
        return out;
    }
}
