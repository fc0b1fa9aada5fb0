package dev.bftkit.log;

import dev.bftkit.api.Committee;
import dev.bftkit.api.Decision;
import dev.bftkit.runtime.Node;
import dev.bftkit.runtime.NodeAssembly;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replicated log on one member: {@link #append} a value and learn where it was committed; subscribe to
 * {@link #entries()} for every committed entry, in order, with its certificate. It runs a {@link Node} whose Decider
 * is a {@link LogDeciderProvider} over the algorithm of your choice:
 *
 * <pre>{@code
 * ReplicatedLog log = ReplicatedLog.start(new NodeAssembly()
 *         .decider(new LogDeciderProvider(Plugins.decider("streamlette")))
 *         .transport("vertx").storage("mapdb").crypto("bc")
 *         .instance(InstanceId.of("orders")).committee(committee).key(key).listen(listen).peers(peers)
 *         .storageDir(dataDir).clock(clock).application(Application.acceptAll()));
 * LogPosition at = log.append(bytes).get(10, TimeUnit.SECONDS);   // committed: height and index in the entry
 * log.entries().subscribe(subscriber);                              // every entry, from height 0, in order
 * }</pre>
 *
 * <p>Appends made while one is being handed to the node are grouped into one input, so the node writes them with
 * one durable write. Each value goes with this log's client id (random, per instance of this class) and the next
 * request id, so the log keeps it at most once: an application that resends a value after a crash passes its own
 * ids to {@link #append(byte[], long, byte[])}. Thread-safe.
 */
public final class ReplicatedLog implements AutoCloseable {
    /** Appends handed to the node at once, at most. */
    static final int MAX_GROUP = 4096;

    private final Node node;
    private final byte[] client = new byte[16];
    private final AtomicLong nextRequest = new AtomicLong();
    private final int maxOutstanding;
    private final ConcurrentLinkedQueue<LogValue> queue = new ConcurrentLinkedQueue<>();
    private final Map<LogValue.RequestKey, CompletableFuture<LogPosition>> waiting = new ConcurrentHashMap<>();
    /** Committees asked for, each with the future that completes once it is in force. */
    private final List<Map.Entry<Committee, CompletableFuture<Long>>> committees = new CopyOnWriteArrayList<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicBoolean flushing = new AtomicBoolean();

    private final LogLimits limits;

    private ReplicatedLog(Node node, LogLimits limits) {
        this.node = node;
        this.limits = limits;
        this.maxOutstanding = limits.maxPendingValues();
        new SecureRandom().nextBytes(client);
        client[0] |= 1; // ids that start with a zero byte are the log's own
        node.decisions().subscribe(new Matcher());
    }

    /**
     * Starts a member of the log: the assembly must name a {@link LogDeciderProvider} as its decider, and an
     * application ({@link dev.bftkit.api.spi.Application#acceptAll()} when every value is appended); the log's option
     * {@code log.clientRequests} is set here.
     *
     * @param assembly the member's plugins and settings
     * @return the running log
     */
    public static ReplicatedLog start(NodeAssembly assembly) {
        LogLimits limits = LogLimits.of(assembly.options(), true); // its value bounds only
        return new ReplicatedLog(assembly.option("log.clientRequests", "true").start(), limits);
    }

    /**
     * Appends a value with this log's client id and its next request id.
     *
     * @param value the bytes; at most the log's {@code log.maxValueBytes}
     * @return a future that completes with the value's committed position, or exceptionally if the value is over
     *     {@code log.maxValueBytes}, the node stopped, or {@code log.maxPendingValues} appends are waiting
     */
    public CompletableFuture<LogPosition> append(byte[] value) {
        return append(client, nextRequest.getAndIncrement(), value);
    }

    /**
     * Appends a value as request {@code request} of client {@code clientId}: the log holds it at most once, however
     * often (and through whichever member) it is appended.
     *
     * @param clientId the client's id, 1 to {@value LogValue#MAX_CLIENT_BYTES} bytes
     * @param request the request id, 0 or more
     * @param value the bytes
     * @return a future that completes with the position where the log first holds this request
     */
    public CompletableFuture<LogPosition> append(byte[] clientId, long request, byte[] value) {
        if (clientId.length > 0 && clientId[0] == 0) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "client ids that start with a zero byte are the log's own"));
        }
        return submit(new LogValue(clientId, request, value, true));
    }

    /**
     * Votes, as this member, for the log's next committee. The change takes effect once members holding a
     * supermajority of the committee in force voted for the same committee in the same epoch (each member's operator
     * calls this on its own member): at the first segment start after the entry that completed the vote (the next
     * height over a one-shot algorithm), and the entry before that height names the new committee
     * ({@link LogEntry#nextCommittee()}). The member keeps voting for {@code next} in each new epoch until it is in
     * force, or until it is asked for another committee (the last call wins). A member added must be among the
     * members' peers (its address known to their transports) and, since a node starts only as a member of its
     * log's first committee, one of that committee voted out earlier; voted in, it catches up. A member removed no
     * longer decides or certifies, and its messages are refused.
     *
     * @param next the committee wanted, 1 to 1,024 members
     * @return a future that completes with the height from which {@code next} is in force, when this member commits
     *     the entry that names it
     */
    public CompletableFuture<Long> changeCommittee(Committee next) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        committees.add(Map.entry(next, f));
        node.submit(Membership.changeRequest(next));
        return f;
    }

    /** Queues {@code v}; the future completes when the entry holding its request commits. */
    private CompletableFuture<LogPosition> submit(LogValue v) {
        byte[] value = v.payload();
        CompletableFuture<LogPosition> f = new CompletableFuture<>();
        if (value.length > limits.maxValueBytes()) {
            f.completeExceptionally(new IllegalArgumentException("a value of " + value.length
                    + " bytes, over log.maxValueBytes " + limits.maxValueBytes()));
            return f;
        }
        if (outstanding.incrementAndGet() > maxOutstanding) {
            outstanding.decrementAndGet();
            f.completeExceptionally(new IllegalStateException(maxOutstanding + " appends are waiting to commit"));
            return f;
        }
        CompletableFuture<LogPosition> earlier = waiting.putIfAbsent(v.key(), f);
        if (earlier != null) {
            outstanding.decrementAndGet();
            return earlier;
        }
        queue.add(v);
        flush();
        return f;
    }

    /** Hands the queued appends to the node as one input, once the one before it was taken. */
    private void flush() {
        if (queue.isEmpty() || !flushing.compareAndSet(false, true)) {
            return;
        }
        List<LogValue> group = new ArrayList<>();
        long bytes = 0;
        for (LogValue v = queue.poll(); v != null; v = group.size() < MAX_GROUP && bytes < maxGroupBytes()
                ? queue.poll() : null) {
            group.add(v);
            bytes += v.batchBytes();
        }
        node.submit(LogDeciderProvider.clientRequests(group));
        node.inspect(d -> null).whenComplete((x, e) -> {
            flushing.set(false);
            flush();
        });
    }

    /** {@return how many bytes of values one group holds at most: a quarter of what the node may hold pending} */
    private long maxGroupBytes() {
        return Math.max(1, limits.maxPendingBytes() / 4);
    }

    /**
     * {@return every committed entry in order, each with its decision (the certificate): from height 0, or, on a
     * member that restored a snapshot (after a restart once its log pruned, or to catch up), from the snapshot's
     * height; the {@link StateMachine} holds the state of the entries before it}
     */
    public Flow.Publisher<Committed> entries() {
        return subscriber -> node.decisions().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscriber.onSubscribe(s);
            }

            @Override
            public void onNext(Decision d) {
                subscriber.onNext(new Committed(LogEntry.of(d), d));
            }

            @Override
            public void onError(Throwable t) {
                subscriber.onError(t);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }

    /** {@return the node this log runs on} */
    public Node node() {
        return node;
    }

    /** Closes the node; appends still waiting fail. */
    @Override
    public void close() {
        node.close();
        IllegalStateException closed = new IllegalStateException("the log is closed");
        waiting.values().forEach(f -> f.completeExceptionally(closed));
    }

    /**
     * A committed entry and the decision that carries it.
     *
     * @param entry the entry
     * @param decision its decision: position = height, value = the entry's encoding, proof = its certificate
     */
    public record Committed(LogEntry entry, Decision decision) {
        /**
         * Validates.
         *
         * @param entry the entry
         * @param decision its decision
         * @throws NullPointerException if either is null
         */
        public Committed {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(decision, "decision");
        }
    }

    /** Completes each waiting append when the entry holding its request commits. */
    private final class Matcher implements Flow.Subscriber<Decision> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Decision d) {
            LogEntry entry = LogEntry.of(d);
            entry.nextCommittee().ifPresent(c -> committees.removeIf(w -> w.getKey().equals(c)
                    && w.getValue().complete(entry.height() + 1)));
            List<LogValue> values = entry.values();
            for (int i = 0; i < values.size(); i++) {
                CompletableFuture<LogPosition> f = waiting.remove(values.get(i).key());
                if (f != null) {
                    outstanding.decrementAndGet();
                    f.complete(new LogPosition(d.position(), i));
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            waiting.values().forEach(f -> f.completeExceptionally(t));
        }

        @Override
        public void onComplete() {
            IllegalStateException closed = new IllegalStateException("the node stopped");
            waiting.values().forEach(f -> f.completeExceptionally(closed));
        }
    }
}
