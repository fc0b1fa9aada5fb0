package dev.bftkit.conformance.doubles;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link Storage} in a sorted map, in unsigned key order. A batch is applied under the write lock and becomes
 * visible as a whole; reads share the read lock, so they run side by side and never see half a batch. Keys and
 * values are copied in and out. Not durable: the data lives as long as this object.
 */
final class MemoryStorage implements Storage {
    private final NavigableMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** An empty store. */
    MemoryStorage() {
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        Objects.requireNonNull(key, "key");
        lock.readLock().lock();
        try {
            checkOpen();
            byte[] v = map.get(key);
            return v == null ? Optional.empty() : Optional.of(v.clone());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Entry> scan(byte[] prefix, byte[] after, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        lock.readLock().lock();
        try {
            checkOpen();
            NavigableMap<byte[], byte[]> tail = after != null && Arrays.compareUnsigned(after, prefix) >= 0
                    ? map.tailMap(after, false) : map.tailMap(prefix, true);
            List<Entry> out = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : tail.entrySet()) {
                if (out.size() == limit || !Bytes.startsWith(e.getKey(), prefix)) {
                    break;
                }
                out.add(new Entry(e.getKey().clone(), e.getValue().clone()));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void write(WriteBatch batch) {
        lock.writeLock().lock();
        try {
            checkOpen();
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.Put put) {
                    map.put(put.key().clone(), put.value().clone());
                } else {
                    map.remove(op.key());
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Closes the store and drops its data. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
            map.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StorageException("memory store is closed");
        }
    }
}
