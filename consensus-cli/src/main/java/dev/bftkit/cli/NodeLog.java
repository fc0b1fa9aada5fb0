package dev.bftkit.cli;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Decision;
import dev.bftkit.api.NodeId;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.log.LogEntry;
import dev.bftkit.log.ReplicatedLog;
import dev.bftkit.runtime.NodeListener;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code consensus node --log}: the node runs a member of a replicated log ({@link ReplicatedLog} over
 * {@link DeciderOptions#underLog the log over its decider}), appends values at a fixed rate ({@link Workload}),
 * prints each entry as it commits (those reloaded from storage as one line) and a rate line every second, and
 * stops after {@code --seconds}, on Ctrl-C, or when the log fails.
 */
final class NodeLog {
    private static final System.Logger LOG = System.getLogger(NodeLog.class.getName());
    /**
     * The longest tick of a log's clock, unless the config sets a shorter one: a segment with nothing to decide keeps
     * ticking, its ticks growing up to the cap, and the first value after a quiet spell waits for such ticks.
     */
    static final long MAX_TICK_MS = 2_000;

    private final Events events;
    private final Crypto crypto;
    private final LogFlags flags;
    private final Lifecycle life = new Lifecycle();
    private final CountDownLatch announced = new CountDownLatch(1);

    // written by the listener on the node's thread, read by the reporter: guarded by this
    private long phases;
    private long seen;
    private long restored;
    private long height = -1;
    private byte[] head;
    private long intervalEntries;
    private long intervalValues;
    private long startNanos;
    private volatile Workload workload;
    private boolean warnedRefusal; // the reporter's thread only

    /**
     * One second of the log on this node.
     *
     * @param height the highest committed entry, or -1
     * @param hash that entry's hash (hex), or null
     * @param valuesPerSecond values committed per second (every node's)
     * @param entriesPerSecond entries committed per second
     * @param ownP50Ms the median commit latency of this node's appends that committed in the second, or NaN
     * @param tally this node's appends so far
     */
    record Rate(long height, String hash, double valuesPerSecond, double entriesPerSecond, double ownP50Ms,
                Workload.Tally tally) {
    }

    /** The running log, its workload and its reporter: closing stops the workload and the reporter, then the log. */
    private record Running(ReplicatedLog log, Workload workload, ScheduledExecutorService timer)
            implements AutoCloseable {
        @Override
        public void close() {
            workload.close();
            timer.shutdownNow();
            log.close();
        }
    }

    NodeLog(Events events, Crypto crypto, LogFlags flags) {
        this.events = events;
        this.crypto = crypto;
        this.flags = flags;
    }

    /**
     * Starts the log and runs it until {@code seconds} passed (null: until Ctrl-C) or it failed.
     *
     * @param start starts the log (its assembly carries {@link #listener()}) and maps a failure to start
     * @param started prints that the node started
     * @param seconds how long to run, or null
     * @return why it failed, or null
     * @throws InterruptedException if interrupted while running
     */
    String run(Supplier<ReplicatedLog> start, Runnable started, Integer seconds) throws InterruptedException {
        life.until(() -> life.start(() -> {
            ReplicatedLog log;
            try {
                log = start.get();
                synchronized (this) {
                    startNanos = System.nanoTime();
                }
                started.run();
            } finally {
                announced.countDown();
            }
            log.node().decisions().subscribe(new FailureWatch());
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "consensus-log-rate");
                t.setDaemon(true);
                return t;
            });
            workload = Workload.start(log, flags.rate(), flags.valueBytes(), events.self());
            long[] last = {System.nanoTime()};
            timer.scheduleAtFixedRate(() -> report(last), 1, 1, TimeUnit.SECONDS);
            if (seconds != null) {
                timer.schedule(life::done, seconds, TimeUnit.SECONDS);
            }
            return new Running(log, workload, timer);
        }, this::stopped));
        return life.failure();
    }

    /** {@return what the node's runtime tells: its phases, and each committed entry} */
    NodeListener listener() {
        return new NodeListener() {
            @Override
            public void onPhase(long tick, int phase, long phaseNanos) {
                phase();
            }

            @Override
            public void onDecision(Decision d) {
                awaitAnnounced();
                committed(d);
            }

            @Override
            public void onRejected(NodeId peer, RuntimeException error) {
                LOG.log(System.Logger.Level.DEBUG, () -> "rejected from " + peer + ": " + error.getMessage());
            }
        };
    }

    private void awaitAnnounced() {
        try {
            announced.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // the events below are printed under this object's lock, so that lines come in the order of what they count

    /** A phase ran: the first one ends the entries reloaded from storage, which it sums up. */
    private synchronized void phase() {
        if (phases++ == 0 && restored > 0) {
            events.restored(restored, height, head);
        }
    }

    private synchronized void committed(Decision d) {
        LogEntry entry = LogEntry.of(d);
        byte[] hash = crypto.hash(d.value());
        int repeats = (int) entry.values().stream().filter(v -> !v.fresh()).count();
        boolean wasRestored = phases == 0;
        seen++;
        height = d.position();
        head = hash;
        if (wasRestored) {
            restored++;
        } else {
            intervalEntries++;
            intervalValues += entry.values().size();
        }
        long ms = Math.max(0, (System.nanoTime() - startNanos) / 1_000_000);
        events.committed(d.position(), entry.values().size(), repeats, hash, wasRestored, ms);
    }

    private synchronized void report(long[] last) {
        long now = System.nanoTime();
        double secs = Math.max(1e-9, (now - last[0]) / 1e9);
        last[0] = now;
        long entries = intervalEntries;
        long values = intervalValues;
        intervalEntries = 0;
        intervalValues = 0;
        long h = height;
        byte[] hash = head;
        Workload.Tally t = workload.take();
        if (t.refused() > 0 && !warnedRefusal) {
            warnedRefusal = true;
            events.warning("the log refuses appends (" + workload.refusal() + "): it commits fewer values than "
                    + "--rate appends");
        }
        events.rate(new Rate(h, hash == null ? null : Bytes.hex(hash), values / secs, entries / secs,
                Text.quantileMs(t.latencies(), 0.5), t));
    }

    private synchronized void stopped(String reason) {
        long h = height;
        byte[] hash = head;
        long entries = seen;
        Workload.Tally t = workload.take();
        Map<String, Object> more = new LinkedHashMap<>();
        more.put("height", h);
        more.put("hash", hash == null ? null : Bytes.hex(hash));
        more.put("appended", t.appended());
        more.put("committed", t.committed());
        more.put("refused", t.refused());
        String text = String.format(Locale.ROOT, " · height %d%s · %s of %s values appended here committed",
                h, hash == null ? "" : ", hash " + Text.shortHex(Bytes.hex(hash)), Text.count(t.committed()),
                Text.count(t.appended()));
        events.stopped(reason, (int) Math.min(Integer.MAX_VALUE, entries), more, text);
    }

    /** Fails the run when the log stops on its own: a broken fault assumption, or a write that failed. */
    private final class FailureWatch implements Flow.Subscriber<Decision> {
        @Override
        public void onSubscribe(Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(Decision d) {
            // the listener shows each entry
        }

        @Override
        public void onError(Throwable t) {
            if (!life.failIfFatal(t)) {
                life.fail("the log stopped: " + CliException.oneLine(t));
            }
        }

        @Override
        public void onComplete() {
            // closed by the stop
        }
    }
}
