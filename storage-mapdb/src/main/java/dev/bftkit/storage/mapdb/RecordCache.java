package dev.bftkit.storage.mapdb;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently used small records, already checked and deserialized, by record id, up to a byte budget. MapDB's
 * store has no cache of its own and reads every B-tree node from its volume with a few calls each, which made a
 * large batch cost hundreds of microseconds per key. The cached objects are shared between readers, so they must not be changed: MapDB's B-tree
 * nodes are immutable, and {@link MapDbStorage} copies every value and key it hands out.
 *
 * <p>A generation counter, bumped by every change, keeps a read that raced with a change from caching what it read.
 */
final class RecordCache {
    /** Larger records (big values) are not cached. */
    static final int MAX_RECORD = 64 * 1024;

    private final long budget;
    private final LinkedHashMap<Long, Cached> map = new LinkedHashMap<>(1024, 0.75f, true);
    private long bytes;
    private long generation;

    private record Cached(Object serializer, Object value, int size) {
    }

    /** @param budget the most serialized bytes to keep */
    RecordCache(long budget) {
        this.budget = budget;
    }

    /**
     * @param recid the record id
     * @param serializer the serializer the caller reads with; a record cached under another one is not returned
     * @return the cached record, or null
     */
    synchronized Object get(long recid, Object serializer) {
        Cached c = map.get(recid);
        return c != null && c.serializer == serializer ? c.value : null;
    }

    /** @return the generation to pass to {@link #putIfUnchanged} after reading from the store */
    synchronized long generation() {
        return generation;
    }

    /**
     * Caches a record read from the store, unless something changed since {@code seen}.
     *
     * @param seen the generation before the read
     * @param recid the record id
     * @param serializer the serializer it was read with
     * @param value the record
     * @param size its serialized size
     */
    synchronized void putIfUnchanged(long seen, long recid, Object serializer, Object value, int size) {
        if (seen == generation) {
            insert(recid, serializer, value, size);
        }
    }

    /**
     * Records a change: caches the new value (null to forget the record).
     *
     * @param recid the record id
     * @param serializer the serializer it was written with
     * @param value the record as written, held by nothing outside the store, or null
     * @param size its serialized size
     */
    synchronized void changed(long recid, Object serializer, Object value, int size) {
        generation++;
        remove(recid);
        if (value != null) {
            insert(recid, serializer, value, size);
        }
    }

    /** Forgets everything (a rollback, a close). */
    synchronized void clear() {
        generation++;
        map.clear();
        bytes = 0;
    }

    private void insert(long recid, Object serializer, Object value, int size) {
        if (size > MAX_RECORD) {
            return;
        }
        remove(recid);
        map.put(recid, new Cached(serializer, value, size));
        bytes += size;
        var eldest = map.entrySet().iterator();
        while (bytes > budget && eldest.hasNext()) {
            Map.Entry<Long, Cached> e = eldest.next();
            bytes -= e.getValue().size();
            eldest.remove();
        }
    }

    private void remove(long recid) {
        Cached old = map.remove(recid);
        if (old != null) {
            bytes -= old.size();
        }
    }
}
