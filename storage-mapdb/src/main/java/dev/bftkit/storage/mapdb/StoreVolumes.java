package dev.bftkit.storage.mapdb;

import java.io.IOException;
import java.nio.file.Path;
import org.mapdb.DBException;
import org.mapdb.volume.RandomAccessFileVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * MapDB's volume for one store: the store file, a random-access file (never memory-mapped), wrapped in a
 * {@link JournaledVolume}. MapDB runs without its transactions (a {@code StoreDirect}), so it asks for no other file:
 * each commit's atomicity and durability are the journal's.
 */
final class StoreVolumes extends VolumeFactory {
    private static final VolumeFactory FILES = RandomAccessFileVol.FACTORY;

    private final Path store;
    private final Path journal;
    private volatile JournaledVolume main;

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
            throw new DBException.VolumeIOError("this store keeps no file but " + store + ", asked for " + file);
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

    /** After a failed write: the store file's volume drops its pending changes and refuses to write any later. */
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
