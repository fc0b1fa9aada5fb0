package dev.bftkit.log;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.codec.Decoder;
import dev.bftkit.api.codec.Encoder;
import dev.bftkit.api.spi.Footprint;
import dev.bftkit.api.spi.Step;
import dev.bftkit.api.spi.StoredState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The values submitted to this node and not yet committed, in the order they came: durable from the step that took
 * them (so a node that crashes proposes them again after its restart), deleted in the step that commits them.
 * Bounded by {@link LogLimits#maxPendingValues()} and {@link LogLimits#maxPendingBytes()}.
 *
 * <p>Stored under the log's prefix: {@code P} + sequence number → the value; {@code N} → the next sequence number
 * and the next request id of the node's own client.
 */
final class Pending {
    private final LogKeys keys;
    private final LogLimits limits;
    private final LinkedHashMap<LogValue.RequestKey, Item> items = new LinkedHashMap<>();
    private final List<byte[]> stale = new ArrayList<>();
    private long bytes;
    private long nextSeq;
    private long nextRequest;

    /** A pending value, its storage sequence number, and whether it waits in a batch the inner Decider holds. */
    private static final class Item {
        final LogValue value;
        final long seq;
        boolean inFlight;

        Item(LogValue value, long seq) {
            this.value = value;
            this.seq = seq;
        }
    }

    Pending(LogKeys keys, LogLimits limits, StoredState stored, ClientTable committed) {
        this.keys = keys;
        this.limits = limits;
        stored.get(keys.kind('N')).ifPresent(b -> {
            Decoder d = new Decoder(b);
            nextSeq = d.nonNegative("sequence");
            nextRequest = d.nonNegative("request id");
            d.finish();
        });
        for (StoredState.Entry e : stored.scan(keys.kind('P'))) {
            Decoder d = new Decoder(e.value());
            long seq = d.nonNegative("sequence");
            LogValue v = LogValue.decode(d, limits.maxValueBytes(), false);
            d.finish();
            if (committed.fresh(v.client(), v.request()) && !items.containsKey(v.key())) {
                items.put(v.key(), new Item(v, seq));
                bytes += v.size();
            } else {
                stale.add(e.key());
            }
        }
    }

    /** Deletes the stored values that turned out committed when the node reloaded. */
    void dropStale(Step.Builder out) {
        for (byte[] k : stale) {
            out.persist().delete(k);
        }
        stale.clear();
    }

    /** {@return the next request id of the node's own client} (the caller persists it with {@link #add}) */
    long takeRequestId() {
        return nextRequest++;
    }

    /**
     * Takes a value; a repeat of one already pending is ignored.
     *
     * @throws InvalidMessageException if the value is too large or the node holds as many as it may
     */
    void add(LogValue v, Step.Builder out) {
        if (v.size() > limits.maxValueBytes()) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE,
                    "value of " + v.size() + " bytes, over log.maxValueBytes " + limits.maxValueBytes());
        }
        if (items.size() >= limits.maxPendingValues() || bytes + v.size() > limits.maxPendingBytes()) {
            throw new InvalidMessageException(InvalidMessageException.Reason.TOO_LARGE, "the log already holds "
                    + items.size() + " uncommitted values (" + bytes + " bytes): submit again later");
        }
        if (items.containsKey(v.key())) {
            return;
        }
        long seq = nextSeq++;
        items.put(v.key(), new Item(v, seq));
        bytes += v.size();
        Encoder e = new Encoder(v.size() + 96).i64(seq);
        v.encode(e, false);
        out.persist().put(keys.pending(seq), e.toByteArray());
        out.persist().put(keys.kind('N'), new Encoder(16).i64(nextSeq).i64(nextRequest).toByteArray());
    }

    boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * {@return the oldest values, as many as fit in one batch; with {@code idleOnly}, only those in no batch the
     * inner Decider holds, which are then marked as held}
     */
    List<LogValue> batch(boolean idleOnly) {
        List<LogValue> out = new ArrayList<>();
        long size = 16;
        for (Item it : items.values()) {
            if (idleOnly && it.inFlight) {
                continue;
            }
            if (out.size() >= limits.maxBatchValues() || size + it.value.batchBytes() > limits.maxBatchBytes()) {
                break;
            }
            size += it.value.batchBytes();
            out.add(it.value);
            it.inFlight |= idleOnly;
        }
        return out;
    }

    /** Every value may go into a batch again (the inner Decider that held them was retired). */
    void releaseAll() {
        for (Item it : items.values()) {
            it.inFlight = false;
        }
    }

    /** Forgets, and deletes from storage, the pending values that an entry just committed. */
    void committed(List<LogValue> values, Step.Builder out) {
        for (LogValue v : values) {
            Item it = items.remove(v.key());
            if (it != null) {
                bytes -= it.value.size();
                out.persist().delete(keys.pending(it.seq));
            }
        }
    }

    /** Forgets, and deletes from storage, the pending values of client {@code client} (this member's old votes). */
    void dropVotes(byte[] client, Step.Builder out) {
        for (Iterator<Item> i = items.values().iterator(); i.hasNext(); ) {
            Item it = i.next();
            if (Arrays.equals(it.value.client(), client)) {
                i.remove();
                bytes -= it.value.size();
                out.persist().delete(keys.pending(it.seq));
            }
        }
    }

    /** Forgets, and deletes from storage, the pending values a restored snapshot's client table holds committed. */
    void dropCommitted(ClientTable clients, Step.Builder out) {
        for (Iterator<Item> i = items.values().iterator(); i.hasNext(); ) {
            Item it = i.next();
            if (!clients.fresh(it.value.client(), it.value.request())) {
                i.remove();
                bytes -= it.value.size();
                out.persist().delete(keys.pending(it.seq));
            }
        }
    }

    Footprint footprint() {
        return new Footprint(items.size(), bytes);
    }

    Footprint footprintBound() {
        return new Footprint(limits.maxPendingValues(), limits.maxPendingBytes());
    }

}
