package dev.bftkit.bench;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request/response round trip on loopback, one request in flight: the {@code vertx} transport (found by name
 * on the class path) beside a plain blocking {@link Socket} echo with the same length-prefixed framing, in the same
 * run. Sample mode gives the mean (round trips per second = 1 / mean) and the p50/p99 latencies.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TransportBench {
    private static final InstanceId CHANNEL = InstanceId.of("bench");

    /** Which implementation carries the round trip. */
    @Param({"vertx", "socket"})
    public String transport;

    /** Payload size in bytes, each way. */
    @Param({"100", "65536"})
    public int size;

    private byte[] payload;
    private LoopbackNetwork network;
    private Transport client;
    private NodeId server;
    private ServerSocket echoServer;
    private Thread echoThread;
    private Socket socket;
    private DataInputStream in;
    private DataOutputStream out;

    /** JMH constructs it. */
    public TransportBench() {
    }

    /**
     * Opens both ends and makes one round trip so the connection (and handshake) is done before measuring.
     *
     * @throws IOException if the socket baseline cannot start
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        payload = new byte[size];
        if (transport.equals("vertx")) {
            network = LoopbackNetwork.create(dev.bftkit.api.spi.Plugins.crypto("bc").create(), 2, 1);
            List<Transport> ts = network.openAll(Plugins.transport("vertx"), TransportLimits.DEFAULT);
            ts.get(1).serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
            client = ts.get(0);
            server = network.id(1);
        } else {
            echoServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
            echoThread = new Thread(this::echo, "bench-socket-echo");
            echoThread.setDaemon(true);
            echoThread.start();
            socket = new Socket(InetAddress.getLoopbackAddress(), echoServer.getLocalPort());
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 17));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 17));
        }
        roundTrip();
    }

    private void echo() {
        try (Socket s = echoServer.accept()) {
            s.setTcpNoDelay(true);
            DataInputStream sin = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 17));
            DataOutputStream sout = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 17));
            while (true) {
                byte[] frame = new byte[sin.readInt()];
                sin.readFully(frame);
                sout.writeInt(frame.length);
                sout.write(frame);
                sout.flush();
            }
        } catch (IOException e) {
            // the benchmark closed the socket
        }
    }

    /**
     * One round trip.
     *
     * @return the response
     * @throws IOException if the socket baseline fails
     */
    @Benchmark
    public byte[] roundTrip() throws IOException {
        if (client != null) {
            return client.request(server, CHANNEL, payload, Duration.ofSeconds(30)).toCompletableFuture().join();
        }
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return response;
    }

    /**
     * Closes both ends.
     *
     * @throws IOException if closing the baseline fails
     * @throws InterruptedException if interrupted while the echo thread ends
     */
    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        if (network != null) {
            network.close();
        }
        if (socket != null) {
            socket.close();
            echoServer.close();
            echoThread.join(10_000);
        }
    }
}
