package dev.bftkit.cli;

import dev.bftkit.log.LogPosition;
import dev.bftkit.log.ReplicatedLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Log mode's workload on one node: appends values of a fixed size at a fixed rate from a thread of its own, and
 * times each from {@code append} to its commit on this node. Each value is printable: {@code PREFIX:SEQ} padded with
 * dots (or cut) to the size.
 */
final class Workload implements AutoCloseable {
    private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final ReplicatedLog log;
    private final int rate;
    private final int valueBytes;
    private final String prefix;
    private final Thread thread;
    private volatile boolean closed;

    // guarded by this
    private long appended;
    private long committed;
    private long refused;
    private String refusal;
    private List<Long> latencies = new ArrayList<>();

    /**
     * What the workload did: totals since it started, and the commit latencies (ns) of the appends that committed
     * since the last {@link #take()}, sorted.
     *
     * @param appended values appended
     * @param committed appended values committed on this node
     * @param refused appends the log refused (too many waiting)
     * @param latencies this interval's commit latencies in ns, sorted
     */
    record Tally(long appended, long committed, long refused, List<Long> latencies) {
        /** {@return appends still waiting to commit} */
        long waiting() {
            return appended - committed - refused;
        }
    }

    private Workload(ReplicatedLog log, int rate, int valueBytes, String prefix) {
        this.log = log;
        this.rate = rate;
        this.valueBytes = valueBytes;
        this.prefix = prefix;
        this.thread = new Thread(this::run, "consensus-log-workload");
        thread.setDaemon(true);
    }

    /**
     * Starts appending (nothing if {@code rate} is 0).
     *
     * @param log the log
     * @param rate values per second
     * @param valueBytes each value's size
     * @param prefix what each value starts with (this node's short id)
     * @return the running workload
     */
    static Workload start(ReplicatedLog log, int rate, int valueBytes, String prefix) {
        Workload w = new Workload(log, rate, valueBytes, prefix);
        if (rate > 0) {
            w.thread.start();
        }
        return w;
    }

    private void run() {
        long start = System.nanoTime();
        long sent = 0;
        while (!closed) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * rate);
            while (sent < due && !closed) {
                append(sent++);
            }
            try {
                Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(STEP_NANOS,
                        (long) (1e9 / rate)))));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void append(long seq) {
        byte[] value = value(prefix, seq, valueBytes);
        long sent = System.nanoTime();
        synchronized (this) {
            appended++;
        }
        log.append(value).whenComplete((at, error) -> settled(sent, at, error));
    }

    private synchronized void settled(long sentNanos, LogPosition at, Throwable error) {
        if (error == null) {
            committed++;
            latencies.add(System.nanoTime() - sentNanos);
        } else if (!closed) {
            refused++;
            refusal = error.getMessage();
        }
        // failed as the node closes: still waiting (the log keeps what it took, and proposes it after a restart)
    }

    /**
     * {@return the value with sequence number {@code seq}: {@code PREFIX:SEQ} padded with dots, or cut, to
     * {@code size} bytes}
     *
     * @param prefix what it starts with
     * @param seq its sequence number
     * @param size its size in bytes
     */
    static byte[] value(String prefix, long seq, int size) {
        byte[] text = (prefix + ":" + seq).getBytes(StandardCharsets.US_ASCII);
        byte[] v = new byte[size];
        Arrays.fill(v, (byte) '.');
        System.arraycopy(text, 0, v, 0, Math.min(size, text.length));
        return v;
    }

    /** {@return the totals, and the latencies since the last call (which it starts afresh)} */
    synchronized Tally take() {
        List<Long> interval = latencies;
        latencies = new ArrayList<>();
        interval.sort(null);
        return new Tally(appended, committed, refused, interval);
    }

    /** {@return why the log last refused an append, or null} */
    synchronized String refusal() {
        return refusal;
    }

    /** Stops appending; appends still waiting are left to the log. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
