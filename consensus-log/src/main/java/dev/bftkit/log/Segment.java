package dev.bftkit.log;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Decider;
import dev.bftkit.api.spi.StoredState;
import dev.bftkit.api.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One instance of the inner Decider: it decides the entries from height {@link #start} on (one for a one-shot
 * Decider, up to {@code log.segmentEntries} for an ordered stream). Its instance id binds it to the log, the segment
 * and the hash of the entry before {@code start}, so its signatures count nowhere else. Its storage lives under its
 * own key prefix ({@link #namespace}); the keys it wrote are remembered so that the whole segment can be deleted
 * once it is retired.
 */
final class Segment {
    final long index;
    final long start;
    final InstanceId instance;
    final byte[] namespace;
    final Decider decider;
    private final TreeSet<ByteKey> keys = new TreeSet<>();

    Segment(long index, long start, InstanceId instance, byte[] namespace, Decider decider, List<byte[]> storedKeys) {
        this.index = index;
        this.start = start;
        this.instance = instance;
        this.namespace = namespace;
        this.decider = decider;
        for (byte[] k : storedKeys) {
            keys.add(new ByteKey(k));
        }
    }

    /** Adds the inner step's writes, under this segment's prefix, to the log's batch; remembers the keys. */
    void persist(WriteBatch inner, WriteBatch out) {
        for (WriteBatch.Op op : inner.ops()) {
            byte[] key = Bytes.concat(namespace, op.key());
            if (op instanceof WriteBatch.Put p) {
                out.put(key, p.value());
                keys.add(new ByteKey(key));
            } else {
                out.delete(key);
                keys.remove(new ByteKey(key));
            }
        }
    }

    /** Deletes every key this segment wrote. */
    void delete(WriteBatch out) {
        for (ByteKey k : keys) {
            out.delete(k.bytes());
        }
        keys.clear();
    }

    /** What the segment's Decider reads: the node's stored state under the segment's prefix. */
    static StoredState view(StoredState base, byte[] namespace) {
        return new StoredState() {
            @Override
            public Optional<byte[]> get(byte[] key) {
                return base.get(Bytes.concat(namespace, key));
            }

            @Override
            public List<Entry> scan(byte[] prefix) {
                List<Entry> out = new ArrayList<>();
                for (Entry e : base.scan(Bytes.concat(namespace, prefix))) {
                    out.add(new Entry(Arrays.copyOfRange(e.key(), namespace.length, e.key().length), e.value()));
                }
                return out;
            }
        };
    }
}
