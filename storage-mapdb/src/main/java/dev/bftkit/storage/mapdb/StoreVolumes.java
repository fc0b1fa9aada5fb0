package dev.bftkit.storage.mapdb;

import java.io.IOException;
import java.nio.file.Path;
import org.mapdb.DBException;
import org.mapdb.volume.RandomAccessFileVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * MapDB's volumes for one store: the store file a random-access file (never memory-mapped) wrapped in a
 * {@link JournaledVolume}, and MapDB's write-ahead log in memory. The store never replays MapDB's log (it removes
 * any log file on open, see {@link MapDbStorage}): the commit's durability is the journal's, and MapDB only reads
 * the open transaction's records back from its log, within the process. A log file would cost a create, its
 * writes, reads and a delete per commit for nothing. The log's array is kept from one commit to the next, up to
 * {@value #KEEP} bytes.
 */
final class StoreVolumes extends VolumeFactory {
    private static final VolumeFactory FILES = RandomAccessFileVol.FACTORY;
    /** The largest log array kept for the next commit. */
    static final int KEEP = 4 << 20;

    private final Path store;
    private final Path journal;
    private volatile JournaledVolume main;
    /** A closed log's array, zeroed, for the next log; guarded by this. */
    private byte[] spare = new byte[0];

    /**
     * @param store the store file
     * @param journal its journal, prepared by {@link PageJournal#recover}
     */
    StoreVolumes(Path store, Path journal) {
        this.store = store;
        this.journal = journal;
    }

    @Override
    public Volume makeVolume(String file, boolean readOnly, long fileLockWait, int sliceShift, long initSize,
            boolean fixedSize) {
        if (!Path.of(file).equals(store)) {
            byte[] bytes;
            synchronized (this) {
                bytes = spare;
                spare = new byte[0];
            }
            return new MemoryLog(bytes, this::recycle);
        }
        Volume volume = FILES.makeVolume(file, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
        try {
            main = new JournaledVolume(volume, journal);
            return main;
        } catch (IOException e) {
            volume.close();
            throw new DBException.VolumeIOError("cannot open the journal " + journal, e);
        }
    }

    private synchronized void recycle(byte[] bytes) {
        if (bytes.length <= KEEP && bytes.length > spare.length) {
            spare = bytes;
        }
    }

    /**
     * After a failed write: the store file's volume drops its pending changes and refuses to write any later (the
     * log needs no such care: it is never replayed).
     */
    void abandon() {
        JournaledVolume store = main;
        if (store != null) {
            store.abandon();
        }
    }

    @Override
    public boolean exists(String file) {
        return FILES.exists(file);
    }

    @Override
    public boolean handlesReadonly() {
        return FILES.handlesReadonly();
    }
}
