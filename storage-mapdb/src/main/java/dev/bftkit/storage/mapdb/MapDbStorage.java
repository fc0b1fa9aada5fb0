package dev.bftkit.storage.mapdb;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.mapdb.Atomic;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.Serializer;
import org.mapdb.StoreDirect;

/**
 * A store in one MapDB file. A batch is applied to MapDB's B-tree and committed under a write lock; MapDB runs
 * without its own transactions (a {@code StoreDirect}), and every change it makes stays in memory until the commit,
 * which reaches the store file through a commit log ({@link JournaledVolume}, {@link PageJournal}) that makes it
 * all-or-nothing across a crash; its record is on disk before {@link #write} returns. MapDB shows
 * uncommitted changes to every reader, so reads take the read side of the same lock and never see half a batch.
 *
 * <p>The store file is created under a temporary name and renamed into place once its first commit is synced, so a
 * crash during creation leaves no half-made store behind. Everything read back is validated: every MapDB record
 * carries a CRC32C of its id and bytes ({@link ChecksumStore}), record lengths are bounded before allocation, and
 * scans check that keys ascend and have a legal length. Any failure to read is a {@link StorageException} naming
 * the file; a failed write leaves the store unusable until it is reopened, because MapDB's in-memory state after
 * a failed commit is not trustworthy, and nothing of that batch reaches the file.
 */
final class MapDbStorage implements Storage {
    /** Keys per B-tree node. */
    static final int MAX_NODE_SIZE = 32;
    /** The store file's name in its directory. */
    static final String STORE_FILE = "store.mapdb";
    /** The lock file's name in its directory. */
    static final String LOCK_FILE = "store.lock";

    /** The journal's suffix ({@link PageJournal}). */
    static final String JOURNAL_SUFFIX = ".journal";
    /** MapDB's write-ahead log files' suffix, followed by a number (stores of earlier versions may hold some). */
    static final String WAL_SUFFIX = ".wal.";
    /**
     * The journal's preallocated size: {@link PageJournal#DEFAULT_BYTES}, or the system property
     * {@code bftkit.mapdb.journalBytes}, which exists so that crash tests can make checkpoints frequent (child JVMs
     * inherit it through {@code JAVA_TOOL_OPTIONS}).
     */
    static final long JOURNAL_BYTES = Math.max(PageJournal.MIN_BYTES,
            Math.min(Integer.MAX_VALUE, Long.getLong("bftkit.mapdb.journalBytes", PageJournal.DEFAULT_BYTES)));

    private static final String CREATING = STORE_FILE + ".creating";
    private static final String FORMAT_NAME = "bftkit.format";
    private static final String FORMAT = "bftkit-mapdb-1";
    /** The B-tree's name in MapDB's catalog. */
    static final String MAP_NAME = "kv";
    /** MapDB's default: 2^3 lock segments. */
    private static final int CONCURRENCY_SHIFT = 3;

    private final Path file;
    private final StoreLock lock;
    private final DB db;
    private final StoreVolumes volumes;
    private final BTreeMap<byte[], byte[]> map;
    private final Values values;
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private volatile Throwable failed;

    private MapDbStorage(Path file, StoreLock lock, Opened opened, BTreeMap<byte[], byte[]> map) {
        this.file = file;
        this.lock = lock;
        this.db = opened.db();
        this.volumes = opened.volumes();
        this.map = map;
        this.values = new Values(db.getStore());
    }

    /**
     * Opens the store in a directory, creating the directory and the store if absent.
     *
     * @param directory the store's directory
     * @return the open store
     * @throws StorageException if it is locked, unreadable or corrupt, naming the file
     */
    static MapDbStorage open(Path directory) {
        Path dir = directory.toAbsolutePath();
        createDirectory(dir);
        Path file = dir.resolve(STORE_FILE);
        StoreLock lock = StoreLock.acquire(dir.resolve(LOCK_FILE), file);
        Opened opened = null;
        try {
            removeLeftovers(dir);
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                create(dir, file);
            }
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new StorageException("store file is not a regular file: " + file);
            }
            recover(dir, file);
            opened = makeDb(file, true);
            checkFormat(opened.db(), file);
            BTreeMap<byte[], byte[]> map = opened.db().treeMap(MAP_NAME, Serializer.BYTE_ARRAY,
                    Serializer.BYTE_ARRAY).maxNodeSize(MAX_NODE_SIZE).open();
            return new MapDbStorage(file, lock, opened, map);
        } catch (RuntimeException | AssertionError e) {
            closeQuietly(opened == null ? null : opened.db());
            lock.close();
            if (e instanceof StorageException s) {
                throw s;
            }
            throw new StorageException(describe("cannot open", file, e), e);
        }
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        checkKey(key);
        rw.readLock().lock();
        try {
            checkUsable();
            try {
                byte[] stored = map.get(key);
                return stored == null ? Optional.empty() : Optional.of(values.load(stored));
            } catch (RuntimeException | AssertionError e) {
                throw readFailure(e);
            }
        } finally {
            rw.readLock().unlock();
        }
    }

    @Override
    public List<Entry> scan(byte[] prefix, byte[] after, int limit) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        List<Entry> out = new ArrayList<>();
        boolean fromAfter = after != null && Bytes.compareUnsigned(after, prefix) >= 0;
        byte[] from = fromAfter ? after : prefix;
        rw.readLock().lock();
        try {
            checkUsable();
            if (prefix.length > MAX_KEY_LENGTH) {
                return out;
            }
            try {
                Iterator<Map.Entry<byte[], byte[]>> it = map.entryIterator(from, !fromAfter, null, false);
                byte[] previous = from;
                boolean inclusive = !fromAfter;
                while (out.size() < limit && it.hasNext()) {
                    Map.Entry<byte[], byte[]> e = it.next();
                    byte[] key = e.getKey();
                    int order = Bytes.compareUnsigned(key, previous);
                    if (order < 0 || order == 0 && !inclusive || key.length == 0 || key.length > MAX_KEY_LENGTH) {
                        throw new CorruptRecordException("keys out of order in a scan");
                    }
                    if (!Bytes.startsWith(key, prefix)) {
                        break;
                    }
                    out.add(new Entry(key.clone(), values.load(e.getValue())));
                    previous = key;
                    inclusive = false;
                }
            } catch (RuntimeException | AssertionError e) {
                throw readFailure(e);
            }
            return out;
        } finally {
            rw.readLock().unlock();
        }
    }

    @Override
    public void write(WriteBatch batch) {
        rw.writeLock().lock();
        try {
            checkUsable();
            if (batch.isEmpty()) {
                return;
            }
            try {
                for (WriteBatch.Op op : batch.ops()) {
                    if (op instanceof WriteBatch.Put put) {
                        // the key goes into a B-tree node, which the record cache shares: a copy of the caller's
                        values.release(map.put(put.key().clone(), values.store(put.value())));
                    } else {
                        values.release(map.remove(op.key()));
                    }
                }
                db.commit();
            } catch (RuntimeException | AssertionError e) {
                // MapDB's state is not to be trusted now; the file keeps its last complete commit
                failed = e;
                volumes.abandon();
                throw new StorageException(describe("write failed; reopen the store", file, e), e);
            } catch (Error e) {
                // the same for any other error (OutOfMemoryError in the middle of a B-tree change, say): no later
                // commit may make a half-done change durable; the error itself goes on unchanged
                failed = e;
                volumes.abandon();
                throw e;
            }
        } finally {
            rw.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        rw.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                db.close();
            } catch (RuntimeException | AssertionError e) {
                if (failed == null) {
                    throw new StorageException(describe("close failed", file, e), e);
                }
                // after a failed write the abandoned store refuses to write; closing only releases it
            } finally {
                lock.close();
            }
        } finally {
            rw.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "mapdb store " + file;
    }

    private void checkUsable() {
        if (closed) {
            throw new StorageException("store is closed: " + file);
        }
        Throwable failure = failed;
        if (failure != null) {
            throw new StorageException("an earlier write failed, reopen the store: " + file, failure);
        }
    }

    private StorageException readFailure(Throwable e) {
        return new StorageException(describe("corrupt or unreadable", file, e) + " (key order, checksums or MapDB "
                + "records failed validation)", e);
    }

    private static void checkKey(byte[] key) {
        if (key.length == 0 || key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be 1.." + MAX_KEY_LENGTH + " bytes, got " + key.length);
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new StorageException("store directory is not a directory: " + dir, e);
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            throw new StorageException("cannot create the store directory " + dir + ": " + e, e);
        }
        if (!Files.isDirectory(dir)) {
            throw new StorageException("store directory is not a directory: " + dir);
        }
    }

    /** Files of a creation that did not finish: the temporary store and its write-ahead log. */
    private static void removeLeftovers(Path dir) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, CREATING + "*")) {
            for (Path leftover : files) {
                Files.deleteIfExists(leftover);
            }
        } catch (IOException e) {
            throw new StorageException("cannot remove an unfinished store in " + dir + ": " + e, e);
        }
    }

    /**
     * Makes an empty store under a temporary name, syncs it, and renames it into place. A journal left without its
     * store is removed first: its records belong to a store that is gone.
     */
    private static void create(Path dir, Path file) {
        Path temp = dir.resolve(CREATING);
        try {
            if (Files.deleteIfExists(journal(file))) {
                forceDirectory(dir);
            }
            PageJournal.recover(temp, journal(temp), PageJournal.MIN_BYTES);
        } catch (IOException e) {
            throw new StorageException("cannot prepare the journal of a new store " + file + ": " + e, e);
        }
        DB db = makeDb(temp, false).db();
        try {
            db.atomicString(FORMAT_NAME).create().set(FORMAT);
            db.treeMap(MAP_NAME, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                    .maxNodeSize(MAX_NODE_SIZE).create();
            db.commit();
        } finally {
            db.close();
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            removeLeftovers(dir);
            forceDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create the store file " + file + ": " + e, e);
        }
    }

    /**
     * What {@code DBMaker.fileDB(file).make()} builds (a store without MapDB's transactions on a random-access file,
     * no memory mapping, MapDB's file lock and header checksum on), over the journaled volume, with every record
     * checksummed by {@link ChecksumStore}. MapDB's transactions would only add a second copy of every change: the
     * volume already holds a commit's changes until it is synced, and makes the sync atomic. The file layout is the
     * same either way, so stores written with MapDB's transactions on open unchanged.
     */
    private static Opened makeDb(Path file, boolean existing) {
        StoreVolumes volumes = new StoreVolumes(file, journal(file));
        StoreDirect direct = StoreDirect.Companion.make(file.toString(), volumes, 0L, false, true,
                CONCURRENCY_SHIFT, 0L, 0L, false, false, false, true, false);
        try {
            return new Opened(new DB(new ChecksumStore(direct), existing, true, MapDbStorage.class.getClassLoader(), 0),
                    volumes);
        } catch (RuntimeException | AssertionError e) {
            direct.close();
            throw e;
        }
    }

    /** A MapDB database and the volumes it was made on. */
    private record Opened(DB db, StoreVolumes volumes) {
    }

    /**
     * Brings the store file to the state after its last durable commit: applies the journal's records since its
     * last checkpoint ({@link PageJournal#recover}), then removes MapDB's write-ahead log, whose replay would not
     * restore the index and free lists (see {@link JournaledVolume}). A commit whose record was not whole was never
     * acknowledged.
     */
    private static void recover(Path dir, Path file) {
        Path journal = journal(file);
        try {
            if (PageJournal.recover(file, journal, JOURNAL_BYTES).created()) {
                // the journal must outlive a power cut from its first use: make its name durable now
                forceDirectory(dir);
            }
        } catch (IOException e) {
            throw new StorageException("cannot apply the journal " + journal + " to " + file + ": " + e, e);
        }
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, STORE_FILE + WAL_SUFFIX + "*")) {
            for (Path log : logs) {
                Files.delete(log);
            }
        } catch (IOException e) {
            throw new StorageException("cannot remove MapDB's log in " + dir + ": " + e, e);
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static Path journal(Path file) {
        return file.resolveSibling(file.getFileName() + JOURNAL_SUFFIX);
    }

    private static void checkFormat(DB db, Path file) {
        if (!db.exists(FORMAT_NAME) || !db.exists(MAP_NAME)) {
            throw new StorageException("not a bftkit mapdb store (no format record): " + file);
        }
        Atomic.String format = db.atomicString(FORMAT_NAME).open();
        String found = format.get();
        if (!FORMAT.equals(found)) {
            throw new StorageException("unknown store format '" + found + "' (expected " + FORMAT + "): " + file);
        }
    }

    private static String describe(String what, Path file, Throwable e) {
        String kind = e instanceof DBException.FileLocked ? "locked" : what;
        return "store " + kind + ": " + file + ": " + e;
    }

    private static void closeQuietly(DB db) {
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException | AssertionError e) {
                // the open already failed; its error is the one reported
            }
        }
    }
}
