package dev.bftkit.conformance.internal;

import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link Storage} in a sorted map. Batches are applied under a lock and become visible together: readers see a
 * snapshot-consistent view because every read also takes the lock. Keys and values are copied in and out.
 */
public final class MemoryStorage implements Storage {
    private final NavigableMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private boolean closed;

    /** An empty store. */
    public MemoryStorage() {
    }

    @Override
    public synchronized Optional<byte[]> get(byte[] key) {
        checkOpen();
        byte[] v = map.get(key);
        return v == null ? Optional.empty() : Optional.of(v.clone());
    }

    @Override
    public synchronized List<Entry> scan(byte[] prefix, byte[] after, int limit) {
        checkOpen();
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        NavigableMap<byte[], byte[]> tail = after != null && Arrays.compareUnsigned(after, prefix) >= 0
                ? map.tailMap(after, false) : map.tailMap(prefix, true);
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> e : tail.entrySet()) {
            if (!dev.bftkit.api.Bytes.startsWith(e.getKey(), prefix) || out.size() == limit) {
                break;
            }
            out.add(new Entry(e.getKey().clone(), e.getValue().clone()));
        }
        return out;
    }

    @Override
    public synchronized void write(WriteBatch batch) {
        checkOpen();
        for (WriteBatch.Op op : batch.ops()) {
            if (op instanceof WriteBatch.Put put) {
                map.put(put.key().clone(), put.value().clone());
            } else {
                map.remove(op.key());
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException("memory store is closed");
        }
    }
}
