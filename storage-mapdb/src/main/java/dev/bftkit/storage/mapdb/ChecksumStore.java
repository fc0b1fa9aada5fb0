package dev.bftkit.storage.mapdb;

import dev.bftkit.api.spi.Storage;
import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import kotlin.collections.LongIterator;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;
import org.mapdb.Store;

/**
 * A MapDB store that appends a CRC32C of the record id and the record's bytes to every record it writes, and checks
 * it before anything is deserialized, in place of MapDB's own record checksums. Because the whole record is covered (B-tree node keys, child and sibling
 * pointers, value bytes, MapDB's catalog), damaged bytes anywhere in a record are reported rather than followed;
 * because the record id is covered, an index entry damaged into pointing at another record is reported too. The
 * record's length is bounded before it is read into memory. Small records are kept, checked and deserialized, in a
 * {@link RecordCache}.
 *
 * <p>Records written in the open transaction are held as objects until {@link #commit}, which serializes each once,
 * in its last state, and hands it to MapDB. A batch of puts rewrites the same B-tree leaf once per key that lands in
 * it, and each rewrite used to serialize the whole leaf, checksum it, write it to MapDB's log and deserialize a copy
 * for the cache: most of a large batch's CPU time. Reads in the transaction get the held object, as from MapDB's
 * heap store; MapDB's B-tree never changes a node it has stored (it stores a changed copy). Nothing reaches the
 * store file before the commit either way: MapDB's store writes into a {@link JournaledVolume}, which holds every
 * change in memory until the commit's sync.
 */
final class ChecksumStore implements Store {
    /** The largest record: a largest value with its length prefix, or a node of largest keys, and the checksum. */
    static final int MAX_RECORD = Storage.MAX_VALUE_LENGTH + 64 * 1024 + Integer.BYTES;

    /** The largest buffer sized ahead of a record ({@link #sizes}); a B-tree node of this module is below it. */
    private static final int MAX_HINT = 16 * 1024;

    /** Serialized bytes of small records kept deserialized in {@link RecordCache}. */
    static final long CACHE_BYTES = 8L * 1024 * 1024;

    private final Store delegate;
    private final RecordCache cache = new RecordCache(CACHE_BYTES);
    /** Records written since the last commit, by id, in the order first written; guarded by itself. */
    private final Map<Long, Pending<?>> pending = new LinkedHashMap<>();
    /**
     * The size of the record last written with each serializer, to size the next one's buffer at once rather than
     * by doubling from MapDB's 128 bytes; guarded by {@link #pending}.
     */
    private final Map<Serializer<?>, Integer> sizes = new IdentityHashMap<>();

    /** A record written in the open transaction: its last state (null for MapDB's null record). */
    private record Pending<R>(R record, Serializer<R> serializer) {
    }

    /** @param delegate the store that holds the records */
    ChecksumStore(Store delegate) {
        this.delegate = delegate;
    }

    @Override
    @SuppressWarnings("unchecked") // cached under the same serializer instance, so of its type
    public <R> R get(long recid, Serializer<R> serializer) {
        synchronized (pending) {
            Pending<?> p = pending.get(recid);
            if (p != null) {
                if (p.serializer() == serializer) {
                    return (R) p.record();
                }
                // read with another serializer than it was written with: let MapDB's own path decide
                flush(recid);
            }
        }
        Object hit = cache.get(recid, serializer);
        if (hit != null) {
            return (R) hit;
        }
        long generation = cache.generation();
        Checked<R> checked = new Checked<>(serializer, recid);
        R value = delegate.get(recid, checked);
        if (value != null) {
            cache.putIfUnchanged(generation, recid, serializer, value, checked.size);
        }
        return value;
    }

    @Override
    public long preallocate() {
        return delegate.preallocate();
    }

    /** Allocates the id first so that the checksum can cover it; the record waits for the commit. */
    @Override
    public <R> long put(R record, Serializer<R> serializer) {
        long recid = delegate.preallocate();
        update(recid, record, serializer);
        return recid;
    }

    /** Holds the record until the commit; a cached older state is forgotten. */
    @Override
    public <R> void update(long recid, R record, Serializer<R> serializer) {
        synchronized (pending) {
            pending.put(recid, new Pending<>(record, serializer));
        }
        cache.changed(recid, serializer, null, 0);
    }

    @Override
    public <R> boolean compareAndSwap(long recid, R expected, R newRecord, Serializer<R> serializer) {
        flush(recid);
        try {
            return delegate.compareAndSwap(recid, expected, newRecord, new Checked<>(serializer, recid));
        } finally {
            cache.changed(recid, serializer, null, 0);
        }
    }

    @Override
    public <R> void delete(long recid, Serializer<R> serializer) {
        synchronized (pending) {
            pending.remove(recid);
        }
        try {
            delegate.delete(recid, new Checked<>(serializer, recid));
        } finally {
            cache.changed(recid, serializer, null, 0);
        }
    }

    /** Serializes and writes every held record, then commits. */
    @Override
    public void commit() {
        synchronized (pending) {
            try {
                for (Map.Entry<Long, Pending<?>> e : pending.entrySet()) {
                    write(e.getKey(), e.getValue());
                }
            } finally {
                pending.clear();
            }
        }
        delegate.commit();
    }

    /** Writes one held record now, if there is one. */
    private void flush(long recid) {
        synchronized (pending) {
            Pending<?> p = pending.remove(recid);
            if (p != null) {
                write(recid, p);
            }
        }
    }

    /**
     * Writes a record to MapDB and caches it. The object itself is cached: nothing outside this module holds a
     * B-tree node or anything in one ({@link MapDbStorage} puts copies of the caller's keys, {@link Values} fresh
     * arrays), and MapDB's B-tree never changes a node it stored; a byte array (a large value, which the caller's
     * batch still holds) is cached as a copy.
     */
    private <R> void write(long recid, Pending<R> p) {
        Integer hint = sizes.get(p.serializer());
        Checked<R> checked = new Checked<>(p.serializer(), recid, hint == null ? 0 : hint);
        Object cached = null;
        try {
            delegate.update(recid, p.record(), checked);
            sizes.put(p.serializer(), checked.size);
            if (checked.size <= RecordCache.MAX_RECORD) {
                cached = p.record() instanceof byte[] b ? b.clone() : p.record();
            }
        } finally {
            cache.changed(recid, p.serializer(), cached, checked.size);
        }
    }

    @Override
    public void compact() {
        try {
            delegate.compact();
        } finally {
            cache.clear();
        }
    }

    @Override
    public void close() {
        synchronized (pending) {
            pending.clear();
        }
        try {
            delegate.close();
        } finally {
            cache.clear();
        }
    }

    @Override
    public boolean isClosed() {
        return delegate.isClosed();
    }

    @Override
    public void verify() {
        delegate.verify();
    }

    @Override
    public boolean isReadOnly() {
        return delegate.isReadOnly();
    }

    @Override
    public boolean fileLoad() {
        return delegate.fileLoad();
    }

    @Override
    public LongIterator getAllRecids() {
        return delegate.getAllRecids();
    }

    @Override
    public Iterable<String> getAllFiles() {
        return delegate.getAllFiles();
    }

    @Override
    public boolean isThreadSafe() {
        return delegate.isThreadSafe();
    }

    @Override
    public void checkThreadSafe() {
        delegate.checkThreadSafe();
    }

    /**
     * A record's serializer with the checksum added on the way out and checked on the way in. It remembers the size
     * of the record it last handled.
     */
    private static final class Checked<R> implements Serializer<R> {
        private final Serializer<R> inner;
        private final long recid;
        /** The expected size of a record written, or 0. */
        private final int hint;
        private int size;

        Checked(Serializer<R> inner, long recid) {
            this(inner, recid, 0);
        }

        Checked(Serializer<R> inner, long recid, int hint) {
            this.inner = inner;
            this.recid = recid;
            this.hint = hint;
        }

        @Override
        public void serialize(DataOutput2 out, R value) throws IOException {
            int start = out.pos;
            if (hint > 0) {
                out.ensureAvail(Math.min(hint, MAX_HINT) + Integer.BYTES);
            }
            inner.serialize(out, value);
            int length = out.pos - start;
            if (length > MAX_RECORD - Integer.BYTES) {
                throw new IOException("record of " + length + " bytes exceeds " + MAX_RECORD);
            }
            out.writeInt(checksum(out.buf, start, length));
            size = length;
        }

        @Override
        public R deserialize(DataInput2 in, int available) throws IOException {
            if (available < Integer.BYTES || available > MAX_RECORD) {
                throw new CorruptRecordException("record " + recid + " has an impossible length " + available);
            }
            byte[] bytes = new byte[available];
            in.readFully(bytes);
            int length = available - Integer.BYTES;
            size = length;
            int stored = (bytes[length] & 0xFF) << 24 | (bytes[length + 1] & 0xFF) << 16
                    | (bytes[length + 2] & 0xFF) << 8 | bytes[length + 3] & 0xFF;
            if (stored != checksum(bytes, 0, length)) {
                throw new CorruptRecordException("record " + recid + " fails its checksum");
            }
            // MapDB's own readers may leave bytes unread (an empty B-tree node does), so only the checksum decides
            return inner.deserialize(new DataInput2.ByteArray(bytes), length);
        }

        private int checksum(byte[] bytes, int offset, int length) {
            CRC32C crc = new CRC32C();
            for (int shift = 56; shift >= 0; shift -= 8) {
                crc.update((int) (recid >>> shift));
            }
            crc.update(bytes, offset, length);
            return (int) crc.getValue();
        }

        @Override
        public boolean isTrusted() {
            return false;
        }

        @Override
        public boolean needsAvailableSizeHint() {
            return true;
        }

        @Override
        public int fixedSize() {
            return -1;
        }

        @Override
        public int compare(R a, R b) {
            return inner.compare(a, b);
        }

        @Override
        public boolean equals(R a, R b) {
            return inner.equals(a, b);
        }

        @Override
        public int hashCode(R value, int seed) {
            return inner.hashCode(value, seed);
        }
    }
}
