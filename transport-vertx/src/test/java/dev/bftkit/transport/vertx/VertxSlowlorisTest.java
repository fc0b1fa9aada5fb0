package dev.bftkit.transport.vertx;

import static dev.bftkit.transport.vertx.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A slowloris does not keep members out: 1,000 connections, each dribbling a byte a second and reopened as soon as
 * the node closes it, from one source address (127.0.0.2) or spread over 1,000 (127.0.1.0 to 127.0.4.231), while
 * the members (on 127.0.0.1) open fresh transports and handshake with the node 20 times; every member handshake
 * must complete within the member's own connect deadline (2 s, the default), which a request to the node proves.
 * Against one address the members need never have connected before; against 1,000 they have (the committee was
 * running when the attack began), so their address is proven and has handshake slots of its own.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class VertxSlowlorisTest {
    private static final InstanceId CHANNEL = InstanceId.of("slowloris");
    private static final int ATTACK_CONNECTIONS = 1000;
    private static final int MEMBERS = 4;
    private static final int ROUNDS = 5;
    private static final TransportLimits LIMITS = TransportLimits.DEFAULT.withMaxFrameBytes(64 * 1024);

    private final Crypto crypto = Plugins.crypto("bc").create();
    private final LoopbackNetwork net = LoopbackNetwork.create(crypto, 1 + MEMBERS, 1000);
    private Slowloris attack;

    @AfterEach
    void stop() throws InterruptedException, IOException {
        if (attack != null) {
            attack.stop();
        }
        net.close();
    }

    @ParameterizedTest(name = "from {0} source address(es), members connected before: {1}")
    @CsvSource({"1, false", ATTACK_CONNECTIONS + ", true"})
    void aThousandSlowConnectionsDoNotKeepMembersOut(int sources, boolean connectedBefore) throws Exception {
        Transport node = net.open(new VertxTransportProvider(), 0, LIMITS);
        node.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
        if (connectedBefore) {
            List<String> failures = new ArrayList<>();
            for (int m = 1; m <= MEMBERS; m++) {
                handshakeRounds(m, 1, failures);
            }
            assertThat(failures).as("handshakes before the attack").isEmpty();
        }
        List<InetAddress> from = new ArrayList<>();
        for (int k = 0; k < sources; k++) {
            from.add(sources == 1 ? InetAddress.getByName("127.0.0.2")
                    : InetAddress.getByAddress(new byte[] {127, 0, (byte) (1 + k / 256), (byte) (k % 256)}));
        }
        attack = new Slowloris(net.address(0), from, ATTACK_CONNECTIONS);
        attack.start();
        eventually("the attacker has opened " + ATTACK_CONNECTIONS + " connections",
                () -> attack.connects.get() >= ATTACK_CONNECTIONS);

        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> members = new ArrayList<>();
        for (int m = 1; m <= MEMBERS; m++) {
            int member = m;
            Thread t = new Thread(() -> handshakeRounds(member, ROUNDS, failures), "member-" + m);
            members.add(t);
            t.start();
        }
        for (Thread t : members) {
            t.join(TimeUnit.MINUTES.toMillis(2));
        }
        long attackerConnects = attack.connects.get();
        System.out.println("slowloris from " + sources + " address(es): " + (MEMBERS * ROUNDS - failures.size())
                + " of " + MEMBERS * ROUNDS + " member handshakes completed while the attacker opened "
                + attackerConnects + " connections");
        assertThat(failures).as("member handshakes that failed, of %d, while the attacker opened %d connections "
                + "from %d address(es)", MEMBERS * ROUNDS, attackerConnects, sources).isEmpty();
        assertThat(attackerConnects).as("connections the attacker opened").isGreaterThan(ATTACK_CONNECTIONS);
    }

    /**
     * Silent connections take every handshake slot of the node, as many from each address as one address may hold
     * (from 20 addresses, 127.0.0.2 to 127.0.0.21) or one from each of 256 addresses (127.0.2.0 to 127.0.2.255); a
     * member connecting from another address still gets in: its connection pushes out the oldest silent one of an
     * address holding the most.
     */
    @ParameterizedTest(name = "{0} addresses, {1} connection(s) each")
    @CsvSource({"20, 16", "256, 1"})
    void slotsTakenByManyAddressesMakeRoomForAMember(int addresses, int each) throws Exception {
        TransportLimits patient = new TransportLimits(LIMITS.maxFrameBytes(), LIMITS.maxPendingRequests(),
                LIMITS.connectTimeout(), Duration.ofSeconds(30));
        Transport node = net.open(new VertxTransportProvider(), 0, patient);
        node.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
        List<Socket> silent = new ArrayList<>();
        try {
            for (int a = 0; a < addresses; a++) {
                InetAddress from = InetAddress.getByAddress(new byte[] {127, 0, (byte) (each == 1 ? 2 : 0),
                        (byte) (each == 1 ? a : a + 2)});
                for (int k = 0; k < each; k++) {
                    Socket s = new Socket();
                    silent.add(s);
                    s.bind(new InetSocketAddress(from, 0));
                    s.connect(net.address(0), 10_000);
                }
            }
            eventually("the silent connections take every handshake slot",
                    () -> ((VertxTransport) node).handshakesInProgress() == VertxTransport.MAX_UNAUTHENTICATED);
            Transport member = net.open(new VertxTransportProvider(), 1, LIMITS);
            assertThat(member.request(net.id(0), CHANNEL, new byte[] {5}, Duration.ofSeconds(10)).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS)).as("the member's request, its handshake within its 2 s deadline")
                    .containsExactly(5);
            assertThat(((VertxTransport) node).stats().count(TransportStats.Event.SLOTS_EXHAUSTED))
                    .as("silent connections refused or pushed out").isPositive();
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    /** A member opens a fresh transport (so a fresh handshake) per round and sends the node one request. */
    private void handshakeRounds(int member, int rounds, List<String> failures) {
        for (int round = 0; round < rounds; round++) {
            Transport t = net.open(new VertxTransportProvider(), member, LIMITS);
            try {
                byte[] answer = t.request(net.id(0), CHANNEL, new byte[] {(byte) round}, Duration.ofSeconds(10))
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
                if (answer.length != 1 || answer[0] != round) {
                    failures.add("member " + member + " round " + round + ": a wrong answer");
                }
            } catch (ExecutionException e) {
                failures.add("member " + member + " round " + round + ": " + e.getCause());
            } catch (TimeoutException | InterruptedException e) {
                failures.add("member " + member + " round " + round + ": " + e);
            } finally {
                t.close();
            }
        }
    }

    /**
     * Keeps {@code size} connections open from the given source addresses (in turn), each sending one byte a second
     * (the start of a frame that never ends), and reopens each as soon as the node closes it (at most 1,000
     * reopenings a second). One thread, non-blocking sockets.
     */
    private static final class Slowloris {
        private static final long REOPEN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

        private final InetSocketAddress target;
        private final List<InetAddress> from;
        private final int size;
        private final Selector selector;
        private final Set<SocketChannel> open = new HashSet<>();
        private final AtomicLong connects = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        private int opened;

        Slowloris(InetSocketAddress target, List<InetAddress> from, int size) throws IOException {
            this.target = target;
            this.from = from;
            this.size = size;
            this.selector = Selector.open();
            this.thread = new Thread(this::run, "slowloris");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            long nextDribble = System.nanoTime();
            long nextOpen = System.nanoTime();
            ByteBuffer sink = ByteBuffer.allocate(4096);
            try {
                while (running) {
                    long now = System.nanoTime();
                    while (open.size() < size && now - nextOpen >= 0) {
                        open();
                        nextOpen += REOPEN_NANOS;
                    }
                    if (now - nextOpen > TimeUnit.SECONDS.toNanos(1)) {
                        nextOpen = now; // no burst of reopenings after a stall
                    }
                    if (now - nextDribble >= 0) {
                        for (SocketChannel c : List.copyOf(open)) {
                            write(c);
                        }
                        nextDribble = now + TimeUnit.SECONDS.toNanos(1);
                    }
                    selector.select(5);
                    for (SelectionKey key : selector.selectedKeys()) {
                        handle(key, sink);
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                for (SocketChannel c : List.copyOf(open)) {
                    drop(c);
                }
            }
        }

        private void open() throws IOException {
            SocketChannel c = SocketChannel.open();
            try {
                c.bind(new InetSocketAddress(from.get(opened++ % from.size()), 0));
                c.configureBlocking(false);
                open.add(c);
                if (c.connect(target)) {
                    connected(c, c.register(selector, SelectionKey.OP_READ));
                } else {
                    c.register(selector, SelectionKey.OP_CONNECT);
                }
            } catch (IOException e) {
                drop(c);
            }
        }

        private void handle(SelectionKey key, ByteBuffer sink) {
            SocketChannel c = (SocketChannel) key.channel();
            try {
                if (key.isValid() && key.isConnectable() && c.finishConnect()) {
                    connected(c, key);
                } else if (key.isValid() && key.isReadable()) {
                    sink.clear();
                    if (c.read(sink) < 0) {
                        drop(c); // closed by the node: reopened by the loop
                    }
                }
            } catch (IOException closedOrRefused) {
                drop(c);
            }
        }

        private void connected(SocketChannel c, SelectionKey key) {
            connects.incrementAndGet();
            key.interestOps(SelectionKey.OP_READ);
            write(c);
        }

        private void write(SocketChannel c) {
            if (!c.isConnected()) {
                return;
            }
            try {
                c.write(ByteBuffer.wrap(new byte[] {0}));
            } catch (IOException e) {
                drop(c);
            }
        }

        private void drop(SocketChannel c) {
            open.remove(c);
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }

        void stop() throws InterruptedException, IOException {
            running = false;
            thread.join(TimeUnit.SECONDS.toMillis(30));
            selector.close();
        }
    }
}
