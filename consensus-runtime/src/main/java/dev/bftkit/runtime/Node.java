package dev.bftkit.runtime;

import dev.bftkit.api.BftException;
import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Decision;
import dev.bftkit.api.FatalConsensusException;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.MemberChange;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.Outbound;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.TransportException;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.Transport;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Drives one {@link Decider} over one {@link Transport} on one thread of its own: it hosts the Decider's
 * {@link Driver}, runs its phases on the gradually slowing {@link TickClock}, serves peers' requests on the
 * Decider's instance channel, sends what the Decider asks to send, and hands back the responses — every call into
 * the Decider on that one thread, so the Decider needs no locking. It is the seed's {@code tick_to_end}, made asynchronous: {@link #decide()} completes
 * with the first decision, {@link #decisions()} publishes the ordered stream.
 *
 * <p>A node keeps serving peers after it decides, so that laggards can finish; close it when the application no
 * longer needs it. {@link #close()} stops the thread and the timer it started before it returns.
 */
public final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());

    private final NodeConfig config;
    private final Decider decider;
    private final Transport transport;
    private final InstanceId channel;
    private final ScheduledThreadPoolExecutor executor;
    private final Thread thread;
    private final CompletableFuture<Decision> first = new CompletableFuture<>();
    private final DecisionPublisher publisher;
    private final Driver driver;

    // node thread only
    private boolean stopped;

    private volatile boolean closed;

    private Node(NodeConfig config) {
        this.config = config;
        this.decider = config.decider();
        this.transport = config.transport();
        this.channel = decider.instance();
        Thread[] made = new Thread[1];
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "bftkit-node-" + transport.self() + "-" + channel);
            t.setDaemon(true);
            made[0] = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.prestartCoreThread();
        this.thread = made[0];
        this.publisher = new DecisionPublisher(executor, config.maxRetainedDecisions());
        this.driver = new Driver(decider, config.storage(), config.clock(), new Driver.Host() {
            @Override
            public void send(Outbound out) {
                Node.this.send(out);
            }

            @Override
            public void decided(Decision decision) {
                first.complete(decision);
                publisher.publish(decision);
                listen(() -> config.listener().onDecision(decision));
            }

            @Override
            public void restored(Checkpoint checkpoint) {
                LOG.log(Level.INFO, "restored from a snapshot: the next decision is at position {0}",
                        checkpoint.position());
                listen(() -> config.listener().onCheckpoint(checkpoint));
            }

            @Override
            public void memberChanged(MemberChange change) {
                LOG.log(Level.INFO, "member {0} {1}", change.member(), change.kind().name().toLowerCase(
                        java.util.Locale.ROOT));
                listen(() -> config.listener().onMemberChange(change));
            }

            @Override
            public void outboundCapped(int max) {
                LOG.log(Level.WARNING, "Decider asked for more than {0} requests after one input; the rest wait", max);
            }
        });
    }

    /**
     * Starts a node: serves the Decider's channel and schedules its first phase.
     *
     * @param config the Decider, transport, clock and limits
     * @return the running node
     */
    public static Node start(NodeConfig config) {
        Node node = new Node(config);
        node.transport.serve(node.channel, node::handle);
        node.executor.execute(() -> {
            if (node.input(null, node.driver::start)) {
                node.scheduleNextPhase();
            }
        });
        return node;
    }

    /** {@return the instance this node decides} */
    public InstanceId instance() {
        return channel;
    }

    /**
     * Offers a value to the Decider.
     *
     * @param payload the value
     */
    public void submit(byte[] payload) {
        byte[] copy = payload.clone();
        run(() -> input(null, () -> driver.submit(copy)));
    }

    /**
     * {@return a future that completes with the first decision, or exceptionally with a {@link FatalConsensusException},
     * with the {@link StorageException} of a write that failed (the node stops: restart it from its storage), or
     * when the node is closed first; a copy, so completing it does not affect the node}
     */
    public CompletableFuture<Decision> decide() {
        return first.copy();
    }

    /** {@return this node's id} */
    public NodeId self() {
        return transport.self();
    }

    /** {@return every decision in order, replayed from the oldest retained one to each new subscriber} */
    public Flow.Publisher<Decision> decisions() {
        return publisher;
    }

    /**
     * Runs a read-only query against the Decider on the node's thread (for example its fault log or DOT graph).
     *
     * @param query what to compute; must not change the Decider
     * @param <T> the result type
     * @return the result
     */
    public <T> CompletableFuture<T> inspect(Function<Decider, T> query) {
        CompletableFuture<T> out = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    out.complete(query.apply(decider));
                } catch (RuntimeException e) {
                    out.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            out.completeExceptionally(new IllegalStateException("node is closed"));
        }
        return out;
    }

    private CompletionStage<byte[]> handle(NodeId from, byte[] request) {
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                if (stopped) {
                    answer.completeExceptionally(new TransportException(TransportException.Kind.CLOSED, "node stopped"));
                    return;
                }
                try {
                    answer.complete(driver.request(from, request));
                } catch (FatalConsensusException | StorageException e) {
                    answer.completeExceptionally(e);
                    fail(e);
                } catch (BftException | IllegalArgumentException e) {
                    answer.completeExceptionally(e);
                    listen(() -> config.listener().onRejected(from, e));
                }
            });
        } catch (RejectedExecutionException e) {
            answer.completeExceptionally(new TransportException(TransportException.Kind.CLOSED, "node is closed"));
        }
        return answer;
    }

    private void scheduleNextPhase() {
        if (stopped) {
            return;
        }
        long nanos = driver.phaseNanos();
        executor.schedule(() -> runPhase(nanos), nanos, TimeUnit.NANOSECONDS);
    }

    private void runPhase(long waited) {
        if (stopped) {
            return;
        }
        long t = driver.tick();
        int p = driver.nextPhase();
        listen(() -> config.listener().onPhase(t, p, waited));
        if (input(null, driver::phase)) {
            scheduleNextPhase();
        }
    }

    /**
     * Runs one input through the driver: a refusal goes to the listener; a fatal error, or a write that failed (what
     * the Decider signed in that step is not durable), stops the node.
     *
     * @return false if the node stopped
     */
    private boolean input(NodeId peer, Runnable call) {
        try {
            call.run();
            return true;
        } catch (FatalConsensusException | StorageException e) {
            fail(e);
            return false;
        } catch (BftException | IllegalArgumentException e) {
            if (peer != null) {
                listen(() -> config.listener().onRejected(peer, e));
            }
            return true;
        }
    }

    private void send(Outbound out) {
        NodeId peer = out.peer();
        CompletionStage<byte[]> reply;
        try {
            reply = transport.request(peer, channel, out.request(), config.requestTimeout());
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((response, error) -> run(() -> {
            if (error != null) {
                LOG.log(Level.DEBUG, () -> "request to " + peer + " failed: " + error);
                input(null, () -> driver.requestFailed(peer));
            } else {
                input(peer, () -> driver.response(peer, response));
            }
        }));
    }

    private void fail(BftException e) {
        LOG.log(Level.ERROR, (e instanceof StorageException ? "storage failed on " : "consensus fault assumption broken on ")
                + transport.self() + ", node stopped: " + e.getMessage());
        stopped = true;
        first.completeExceptionally(e);
        publisher.finish(e);
    }

    private void run(Runnable r) {
        try {
            executor.execute(() -> {
                if (!stopped) {
                    r.run();
                }
            });
        } catch (RejectedExecutionException closedAlready) {
            // closed: inputs after close are dropped
        }
    }

    private void listen(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "node listener failed", e);
        }
    }

    private void closeStorage() {
        try {
            config.storage().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing the storage of " + transport.self() + " failed: " + e.getMessage());
        }
    }

    /** {@return true once {@link #close()} was called} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops serving, stops the clock, completes subscribers and an undecided {@link #decide()} future, closes the
     * Decider (then the storage and the transport, each if configured), and waits for the node's thread to end.
     * Idempotent.
     *
     * <p>It may be called from any thread. On the node's own thread (from a {@link NodeListener}) it cannot wait
     * for that thread: it queues the shutdown, closes the transport if configured, and returns; the thread ends once
     * the listener returns. From inside one of the transport's callbacks it waits for the node's thread (which never
     * waits for the transport), then closes the transport there, which {@link Transport#close()} allows without
     * waiting for that callback. Called again from another thread while an earlier call (from a listener, say) is
     * still at work, it waits in the same way, so that its return always means the node's thread has ended.
     */
    @Override
    public void close() {
        boolean firstCall;
        synchronized (this) {
            firstCall = !closed;
            closed = true;
        }
        if (firstCall) {
            transport.unserve(channel);
            try {
                executor.execute(() -> {
                    stopped = true;
                    first.completeExceptionally(new IllegalStateException("node closed before deciding"));
                    publisher.finish(null);
                    decider.close();
                    if (config.closeStorage()) {
                        closeStorage();
                    }
                });
            } catch (RejectedExecutionException e) {
                // already shut down
            }
            executor.shutdown();
        }
        if (Thread.currentThread() == thread) {
            // called from the node's own thread (a listener): it ends when this task returns
            if (firstCall && config.closeTransport()) {
                transport.close();
            }
            return;
        }
        // from any other thread every call waits, the first or a later one while the first is still at work
        boolean interrupted = false;
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
            if (thread != null) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        } catch (InterruptedException e) {
            interrupted = true;
            executor.shutdownNow();
        }
        if (config.closeTransport()) {
            transport.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
