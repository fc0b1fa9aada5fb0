package dev.bftkit.conformance.junit;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A store under test whose every call is an activity of a {@link RuleWatch}, so a call that does not return is
 * reported by name. Arrays pass through untouched, so the rules see exactly what the store returns.
 */
final class WatchedStorage implements Storage {
    private final Storage store;
    private final RuleWatch watch;

    WatchedStorage(Storage store, RuleWatch watch) {
        this.store = store;
        this.watch = watch;
    }

    @Override
    public Optional<byte[]> get(byte[] key) {
        return watch.during("Storage.get(" + hex(key) + ")", () -> store.get(key));
    }

    @Override
    public List<Entry> scan(byte[] prefix, byte[] after, int limit) {
        return watch.during("Storage.scan(prefix " + hex(prefix) + ", after " + (after == null ? "null" : hex(after))
                + ", limit " + limit + ")", () -> store.scan(prefix, after, limit));
    }

    @Override
    public List<Entry> scan(byte[] prefix) {
        return watch.during("Storage.scan(prefix " + hex(prefix) + ") of every entry", () -> store.scan(prefix));
    }

    @Override
    public void write(WriteBatch batch) {
        long bytes = batch.ops().stream().mapToLong(op -> op.key().length
                + (op instanceof WriteBatch.Put put ? put.value().length : 0)).sum();
        watch.during("Storage.write of a batch of " + batch.size() + " operations (" + bytes + " bytes)", () -> {
            store.write(batch);
            return null;
        });
    }

    @Override
    public void close() {
        watch.during("Storage.close", () -> {
            store.close();
            return null;
        });
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "null" : bytes.length <= 16 ? Bytes.hex(bytes)
                : Bytes.hex(Arrays.copyOf(bytes, 16)) + "… (" + bytes.length + " bytes)";
    }
}
