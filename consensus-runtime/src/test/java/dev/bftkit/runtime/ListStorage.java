package dev.bftkit.runtime;

import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A store for runtime tests that records every batch written to it, and can be told to fail the next write. */
class ListStorage implements Storage {
    final List<WriteBatch> written = new ArrayList<>();
    boolean failNextWrite;

    @Override
    public Optional<byte[]> get(byte[] key) {
        return Optional.empty();
    }

    @Override
    public List<Entry> scan(byte[] prefix, byte[] after, int limit) {
        return List.of();
    }

    @Override
    public synchronized void write(WriteBatch batch) {
        if (failNextWrite) {
            failNextWrite = false;
            throw new StorageException("scripted write failure");
        }
        written.add(batch);
    }

    @Override
    public void close() {
    }
}
