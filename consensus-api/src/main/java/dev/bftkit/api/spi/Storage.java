package dev.bftkit.api.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An ordered key-value store. Keys are compared as unsigned bytes. A {@link #write} is atomic (all of a batch or
 * none of it becomes visible, also across a crash) and, for a {@linkplain StorageProvider#durable() durable} store,
 * durable when it returns. Each Decider instance writes under its own key prefix, so one store holds many
 * instances.
 *
 * <p>Implementations are thread-safe. A store that finds its bytes damaged throws
 * {@link dev.bftkit.api.StorageException}; it never returns wrong bytes.
 */
public interface Storage extends StoredState, AutoCloseable {
    /**
     * {@return a copy of the value stored under {@code key}, if there is one}
     *
     * @param key the key
     */
    @Override
    Optional<byte[]> get(byte[] key);

    /**
     * One page of the entries whose key starts with {@code prefix}, in unsigned key order.
     *
     * @param prefix the key prefix; empty for every key
     * @param after return only keys strictly greater than this one; null to start at the prefix
     * @param limit at most this many entries, at least 1
     * @return the entries
     */
    List<Entry> scan(byte[] prefix, byte[] after, int limit);

    /**
     * All entries whose key starts with {@code prefix}, in unsigned key order, read in pages.
     *
     * @param prefix the key prefix; empty for every key
     * @return the entries
     */
    @Override
    default List<Entry> scan(byte[] prefix) {
        List<Entry> all = new ArrayList<>();
        byte[] after = null;
        while (true) {
            List<Entry> page = scan(prefix, after, 4096);
            all.addAll(page);
            if (page.size() < 4096) {
                return all;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    /**
     * Applies a batch atomically; durable on return for a durable store.
     *
     * @param batch the puts and deletes, applied in order
     */
    void write(WriteBatch batch);

    /** Releases files and locks. Further calls fail with {@link dev.bftkit.api.StorageException}. */
    @Override
    void close();
}
