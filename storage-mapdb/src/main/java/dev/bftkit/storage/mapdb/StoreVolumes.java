package dev.bftkit.storage.mapdb;

import java.io.IOException;
import java.nio.file.Path;
import org.mapdb.DBException;
import org.mapdb.volume.RandomAccessFileVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * MapDB's volumes for one store: random-access files, never memory-mapped, with the store file itself wrapped in a
 * {@link JournaledVolume}. MapDB's write-ahead log files pass through unwrapped.
 */
final class StoreVolumes extends VolumeFactory {
    private static final VolumeFactory FILES = RandomAccessFileVol.FACTORY;

    private final Path store;
    private final Path journal;

    /**
     * @param store the store file
     * @param journal its page journal
     */
    StoreVolumes(Path store, Path journal) {
        this.store = store;
        this.journal = journal;
    }

    @Override
    public Volume makeVolume(String file, boolean readOnly, long fileLockWait, int sliceShift, long initSize,
            boolean fixedSize) {
        Volume volume = FILES.makeVolume(file, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
        if (!Path.of(file).equals(store)) {
            return volume;
        }
        try {
            return new JournaledVolume(volume, journal);
        } catch (IOException e) {
            volume.close();
            throw new DBException.VolumeIOError("cannot open the journal " + journal, e);
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
