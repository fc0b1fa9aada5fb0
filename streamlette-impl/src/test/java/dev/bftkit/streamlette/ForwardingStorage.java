package dev.bftkit.streamlette;

import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import java.util.List;
import java.util.Optional;

/** A store that passes everything to another; tests override {@link #write} to count or fail writes. */
class ForwardingStorage implements Storage {
    private final Storage inner;

    ForwardingStorage(Storage inner) {
        this.inner = inner;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        return inner.get(key);
    }

    @Override
    public List<Storage.Entry> scan(byte[] prefix, byte[] after, int limit) {
        return inner.scan(prefix, after, limit);
    }

    @Override
    public void write(WriteBatch batch) {
        inner.write(batch);
    }

    @Override
    public void close() {
    }
}
