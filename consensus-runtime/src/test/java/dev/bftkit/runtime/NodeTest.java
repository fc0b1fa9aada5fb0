package dev.bftkit.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.TransportException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeTest {
    static final NodeId A = NodeId.of(new byte[] {0xa});
    static final NodeId B = NodeId.of(new byte[] {0xb});
    static final TickClock FAST = new TickClock(Duration.ofMillis(2), 1.5, Duration.ofMillis(50));

    ExecutorService net;
    Map<NodeId, LocalTransport> network;
    final List<Node> nodes = new ArrayList<>();

    @BeforeEach
    void setUp() {
        net = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-net"));
        network = new ConcurrentHashMap<>();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        nodes.forEach(Node::close);
        net.shutdownNow();
        net.awaitTermination(10, TimeUnit.SECONDS);
    }

    Node start(NodeConfig config) {
        Node n = Node.start(config);
        nodes.add(n);
        return n;
    }

    @Test
    void ticksFollowTheClockAndSpreadPhasesEvenly() throws Exception {
        TickClock clock = new TickClock(Duration.ofMillis(4), 2.0, Duration.ofMillis(20));
        List<long[]> phases = new CopyOnWriteArrayList<>();
        CountDownLatch seen = new CountDownLatch(10);
        ScriptedDecider d = new ScriptedDecider(B, 2, Integer.MAX_VALUE);
        new LocalTransport(B, network, net);
        Node node = start(NodeConfig.of(d, new ListStorage(), new LocalTransport(A, network, net)).withClock(clock)
                .withListener(new NodeListener() {
                    @Override
                    public void onPhase(long tick, int phase, long nanos) {
                        phases.add(new long[] {tick, phase, nanos});
                        seen.countDown();
                    }
                }));
        assertThat(seen.await(30, TimeUnit.SECONDS)).isTrue();
        node.close();
        long ms = 1_000_000;
        // tick k lasts 4 ms × 2^k, capped at 20 ms, and each of its 2 phases waits half of it
        long[][] expected = {{0, 0, 2 * ms}, {0, 1, 2 * ms}, {1, 0, 4 * ms}, {1, 1, 4 * ms}, {2, 0, 8 * ms},
            {2, 1, 8 * ms}, {3, 0, 10 * ms}, {3, 1, 10 * ms}, {4, 0, 10 * ms}, {4, 1, 10 * ms}};
        assertThat(phases.subList(0, 10)).containsExactly(expected);
    }

    @Test
    void tickClockIsTheReferenceScheduleByDefault() {
        TickClock c = TickClock.REFERENCE;
        assertThat(c.tickNanos(0)).isEqualTo(1_000_000_000L);
        assertThat(c.tickNanos(1)).isEqualTo(1_050_000_000L);
        assertThat(c.phaseNanos(2, 2)).isEqualTo(551_250_000L);
        double total = 0;
        for (int k = 0; k < 3; k++) {
            total += c.tickNanos(k) / 1e9;
        }
        assertThat(total).isCloseTo(3.1525, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(c.tickNanos(10_000)).isEqualTo(Duration.ofHours(1).toNanos());
        assertThatThrownBy(() -> new TickClock(Duration.ZERO, 1.0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TickClock(Duration.ofSeconds(1), 0.9, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TickClock(Duration.ofSeconds(1), Double.NaN, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyCallReachesTheDeciderOnItsOneThreadAndDecides() throws Exception {
        ScriptedDecider da = new ScriptedDecider(B, 1, 3);
        ScriptedDecider db = new ScriptedDecider(A, 1, 3);
        Node a = start(NodeConfig.of(da, new ListStorage(), new LocalTransport(A, network, net)).withClock(FAST));
        Node b = start(NodeConfig.of(db, new ListStorage(), new LocalTransport(B, network, net)).withClock(FAST));
        Decision decided = a.decide().get(30, TimeUnit.SECONDS);
        assertThat(decided.value()).isEqualTo("done".getBytes());
        assertThat(b.decide().get(30, TimeUnit.SECONDS).value()).isEqualTo("done".getBytes());
        a.submit("late".getBytes());
        a.inspect(d -> d.currentTick()).get(30, TimeUnit.SECONDS);
        a.close();
        b.close();
        for (ScriptedDecider d : List.of(da, db)) {
            assertThat(d.calls).contains("tick", "request", "response");
            assertThat(d.threads).allSatisfy(t -> assertThat(t).startsWith("bftkit-node-"));
            assertThat(d.threads.stream().distinct()).hasSize(1);
            assertThat(d.closed).isTrue();
        }
        assertThat(da.calls).contains("submit");
    }

    @Test
    void decisionsArePublishedInOrderWithDemand() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        Node node = start(NodeConfig.of(d, new ListStorage(), new LocalTransport(A, network, net)).withClock(FAST));
        for (int i = 0; i < 5; i++) {
            node.submit(new byte[] {(byte) i});
        }
        List<Long> got = new CopyOnWriteArrayList<>();
        CountDownLatch two = new CountDownLatch(2);
        CountDownLatch five = new CountDownLatch(5);
        Flow.Subscription[] sub = new Flow.Subscription[1];
        node.decisions().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                sub[0] = s;
                s.request(2);
            }

            @Override
            public void onNext(Decision item) {
                got.add(item.position());
                two.countDown();
                five.countDown();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        assertThat(two.await(30, TimeUnit.SECONDS)).isTrue();
        node.inspect(x -> x).get(30, TimeUnit.SECONDS); // let the node thread run once more
        assertThat(got).containsExactly(100L, 101L);
        sub[0].request(3);
        assertThat(five.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(got).containsExactly(100L, 101L, 102L, 103L, 104L);
    }

    @Test
    void subscribersAreCompletedOnCloseAndRejectedAfterwards() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        Node node = start(NodeConfig.of(d, new ListStorage(), new LocalTransport(A, network, net)).withClock(FAST));
        CountDownLatch completed = new CountDownLatch(1);
        node.decisions().subscribe(subscriber(completed, null));
        node.inspect(x -> x).get(30, TimeUnit.SECONDS);
        node.close();
        assertThat(completed.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> node.decide().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("closed");
        CountDownLatch errored = new CountDownLatch(1);
        node.decisions().subscribe(subscriber(null, errored));
        assertThat(errored.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void requestingNonPositiveDemandIsAnError() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        Node node = start(NodeConfig.of(d, new ListStorage(), new LocalTransport(A, network, net)).withClock(FAST));
        CountDownLatch errored = new CountDownLatch(1);
        node.decisions().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(0);
            }

            @Override
            public void onNext(Decision item) {
            }

            @Override
            public void onError(Throwable t) {
                if (t instanceof IllegalArgumentException) {
                    errored.countDown();
                }
            }

            @Override
            public void onComplete() {
            }
        });
        assertThat(errored.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void invalidRequestsAreRejectedAndTheNodeKeepsServing() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        List<RuntimeException> rejected = new CopyOnWriteArrayList<>();
        start(NodeConfig.of(d, new ListStorage(), new LocalTransport(A, network, net)).withClock(FAST)
                .withListener(new NodeListener() {
                    @Override
                    public void onRejected(NodeId peer, RuntimeException error) {
                        rejected.add(error);
                    }
                }));
        LocalTransport client = new LocalTransport(B, network, net);
        assertThatThrownBy(() -> client.request(A, d.instance, "junk".getBytes(), Duration.ofSeconds(30))
                .toCompletableFuture().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(InvalidMessageException.class);
        byte[] pong = client.request(A, d.instance, "ping".getBytes(), Duration.ofSeconds(30))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(new String(pong)).isEqualTo("pong");
        assertThat(rejected).singleElement().isInstanceOf(InvalidMessageException.class);
    }

    @Test
    void failedRequestsAreReportedToTheDecider() throws Exception {
        ScriptedDecider d = new ScriptedDecider(NodeId.of(new byte[] {0x77}), 1, Integer.MAX_VALUE);
        Node node = start(NodeConfig.of(d, new ListStorage(), new LocalTransport(A, network, net)).withClock(FAST));
        for (int i = 0; i < 100 && !d.calls.contains("failed"); i++) {
            node.inspect(x -> x).get(30, TimeUnit.SECONDS);
            Thread.sleep(5);
        }
        assertThat(d.calls).contains("failed");
    }

    @Test
    void aFatalErrorStopsTheNodeAndFailsDecide() {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        d.failOnTick = true;
        Node node = start(NodeConfig.of(d, new ListStorage(), new LocalTransport(A, network, net)).withClock(FAST));
        assertThatThrownBy(() -> node.decide().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(FatalConsensusException.class);
        LocalTransport client = new LocalTransport(B, network, net);
        assertThatThrownBy(() -> client.request(A, d.instance, "ping".getBytes(), Duration.ofSeconds(30))
                .toCompletableFuture().join()).hasCauseInstanceOf(TransportException.class);
    }

    @Test
    void aFailedWriteStopsTheNodeBeforeItSendsAnythingOfThatStep() {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        d.writeOnNextStep = true;
        ListStorage storage = new ListStorage();
        storage.failNextWrite = true;
        Node node = start(NodeConfig.of(d, storage, new LocalTransport(A, network, net)).withClock(FAST));
        assertThatThrownBy(() -> node.decide().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(StorageException.class);
        assertThat(d.calls).as("stopped at its first step: no tick, nothing sent").doesNotContain("tick");
        assertThat(storage.written).isEmpty();
    }

    @Test
    void closeLeavesNoThreadBehindAndClosesTheTransport() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        LocalTransport t = new LocalTransport(A, network, net);
        Node node = start(NodeConfig.of(d, new ListStorage(), t).withClock(FAST));
        node.inspect(x -> x).get(30, TimeUnit.SECONDS);
        assertThat(nodeThreads()).isNotEmpty();
        node.close();
        assertThat(nodeThreads()).isEmpty();
        assertThat(t.closed).isTrue();
        assertThat(node.isClosed()).isTrue();
        node.close(); // idempotent
    }

    @Test
    void closeFromAListenerReturnsThenTheThreadEnds() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        LocalTransport t = new LocalTransport(A, network, net);
        CompletableFuture<Node> self = new CompletableFuture<>();
        CompletableFuture<Void> closedInListener = new CompletableFuture<>();
        Node node = start(NodeConfig.of(d, new ListStorage(), t).withClock(FAST).withListener(new NodeListener() {
            @Override
            public void onPhase(long tick, int phase, long phaseNanos) {
                if (!closedInListener.isDone()) {
                    self.join().close();
                    closedInListener.complete(null);
                }
            }
        }));
        self.complete(node);
        // a hang detector, not a speed bound: on its own thread close() must not wait for that thread
        closedInListener.get(10, TimeUnit.SECONDS);
        assertThat(t.closed).isTrue();
        for (Thread thread : nodeThreads()) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(nodeThreads()).as("the node's thread, once the listener returned").isEmpty();
    }

    @Test
    void aSecondCloseFromAnotherThreadWaitsForTheThreadTheFirstLeftRunning() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        LocalTransport t = new LocalTransport(A, network, net);
        CompletableFuture<Node> self = new CompletableFuture<>();
        CountDownLatch closedInListener = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Node node = start(NodeConfig.of(d, new ListStorage(), t).withClock(FAST).withListener(new NodeListener() {
            @Override
            public void onPhase(long tick, int phase, long phaseNanos) {
                if (closedInListener.getCount() > 0) {
                    self.join().close();
                    closedInListener.countDown();
                    try {
                        proceed.await(); // the listener is still at work after its close() returned
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }));
        self.complete(node);
        assertThat(closedInListener.await(10, TimeUnit.SECONDS)).as("hang detector").isTrue();
        List<Thread> running = nodeThreads();
        assertThat(running).hasSize(1);
        CompletableFuture<Boolean> aliveAfterSecondClose = new CompletableFuture<>();
        Thread second = new Thread(() -> {
            node.close();
            aliveAfterSecondClose.complete(running.get(0).isAlive());
        }, "second-close");
        second.start();
        // let the listener go only once the second close() is blocked, or has returned (the bug this catches)
        while (second.getState() != Thread.State.WAITING && second.getState() != Thread.State.TIMED_WAITING
                && second.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        proceed.countDown();
        assertThat(aliveAfterSecondClose.get(30, TimeUnit.SECONDS)).as("node thread alive after close() returned")
                .isFalse();
    }

    @Test
    void aSharedTransportStaysOpen() throws Exception {
        ScriptedDecider d = new ScriptedDecider(B, 1, Integer.MAX_VALUE);
        LocalTransport t = new LocalTransport(A, network, net);
        Node node = start(NodeConfig.of(d, new ListStorage(), t).withClock(FAST).withCloseTransport(false));
        node.close();
        assertThat(t.closed).isFalse();
    }

    private static List<Thread> nodeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("bftkit-node-") && t.isAlive()).toList();
    }

    private static Flow.Subscriber<Decision> subscriber(CountDownLatch complete, CountDownLatch error) {
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Decision item) {
            }

            @Override
            public void onError(Throwable t) {
                if (error != null) {
                    error.countDown();
                }
            }

            @Override
            public void onComplete() {
                if (complete != null) {
                    complete.countDown();
                }
            }
        };
    }
}
