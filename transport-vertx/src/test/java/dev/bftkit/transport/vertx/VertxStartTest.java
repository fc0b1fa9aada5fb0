package dev.bftkit.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.TransportException.Kind;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Transport;
import dev.bftkit.api.spi.TransportLimits;
import dev.bftkit.conformance.checks.LoopbackNetwork;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starting a transport on a loaded machine: a slow start is not failed, and says what it is waiting for; a start
 * that does fail says which step failed. The load is played by a start-up step that holds the event loop (the
 * package-private {@link VertxTransport#open(dev.bftkit.api.spi.TransportConfig, OpenOptions)}) until the test lets
 * it go, so no outcome depends on how fast the machine is.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class VertxStartTest {
    private static final InstanceId CHANNEL = InstanceId.of("start");
    private static final TransportLimits LIMITS =
            new TransportLimits(64 * 1024, 64, Duration.ofSeconds(10), Duration.ofSeconds(10));

    private final Crypto crypto = Plugins.crypto("bc").create();
    private final LoopbackNetwork net = LoopbackNetwork.create(crypto, 2, 5);
    private final Warnings warnings = new Warnings();

    @BeforeEach
    void listen() {
        warnings.start();
    }

    @AfterEach
    void close() {
        warnings.stop();
        net.close();
    }

    /**
     * An event loop that does not start until the start has reported twice (every 50 ms) that it waits for it: the
     * start completes, and the reports say why it was slow.
     */
    @Test
    void aSlowStartCompletesAndSaysWhatItIsWaitingFor() throws Exception {
        OpenOptions options = OpenOptions.DEFAULT.reportingEvery(Duration.ofMillis(50)).onLoopStart(() -> awaitQuietly(
                () -> warnings.messages().stream().filter(w -> w.contains("waiting for its event loop to start"))
                        .count() >= 2));
        try (Transport slow = VertxTransport.open(net.config(0, LIMITS), options)) {
            slow.serve(CHANNEL, (from, request) -> CompletableFuture.completedFuture(request));
            assertThat(warnings.messages()).as("reports of the slow start").allSatisfy(w -> assertThat(w).contains(
                    "still starting")).anySatisfy(w -> assertThat(w).contains("waiting for its event loop to start"));
            Transport member = net.open(new VertxTransportProvider(), 1, LIMITS);
            assertThat(member.request(net.id(0), CHANNEL, new byte[] {3}, Duration.ofSeconds(10))
                    .toCompletableFuture().get(60, TimeUnit.SECONDS)).as("a request to the transport that started "
                    + "slowly").containsExactly(3);
        }
    }

    /** A start that fails says which step failed: here, binding an address another socket holds. */
    @Test
    void aFailedBindSaysSo() throws IOException {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(net.address(0));
            TransportException e = catchThrowableOfType(TransportException.class,
                    () -> net.open(new VertxTransportProvider(), 0, LIMITS));
            assertThat(e).as("opening on a busy address").isNotNull();
            assertThat(e.getMessage()).contains("cannot listen on " + net.address(0) + ": java.net.BindException");
        }
    }

    /**
     * The thread that opens the transport is interrupted while the start waits for its event loop (held until the
     * test has the outcome): it fails, saying for what.
     */
    @Test
    void anInterruptedStartSaysWhatItWasWaitingFor() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        OpenOptions options = OpenOptions.DEFAULT.onLoopStart(() -> {
            entered.countDown();
            awaitQuietly(() -> release.getCount() == 0);
        });
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread opener = new Thread(() -> {
            try {
                VertxTransport.open(net.config(0, LIMITS), options).close();
                outcome.complete(null);
            } catch (RuntimeException e) {
                outcome.complete(e);
            }
        }, "opener");
        opener.start();
        try {
            assertThat(entered.await(60, TimeUnit.SECONDS)).as("the event loop began to start").isTrue();
            opener.interrupt();
            Throwable e = outcome.get(60, TimeUnit.SECONDS);
            assertThat(e).as("the interrupted start").isInstanceOf(TransportException.class);
            assertThat(((TransportException) e).kind()).isEqualTo(Kind.CLOSED);
            assertThat(e.getMessage()).contains("interrupted").contains("its event loop to start");
        } finally {
            release.countDown();
            opener.join(60_000);
        }
    }

    /** Polls until the condition holds, for at most a minute, on a thread that must not be interrupted away. */
    private static void awaitQuietly(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
