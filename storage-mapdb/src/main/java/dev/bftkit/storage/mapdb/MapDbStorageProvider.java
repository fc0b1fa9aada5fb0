package dev.bftkit.storage.mapdb;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;

/**
 * The {@code mapdb} storage: one MapDB file per directory, with a commit log of its own, every batch committed
 * and synced before {@link Storage#write} returns, a lock file that keeps a second opener (another process or this
 * one) out, and a CRC32C on every MapDB record (B-tree nodes, values, catalog) so that damaged bytes are reported, not
 * returned. It takes no options.
 */
public final class MapDbStorageProvider implements StorageProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public MapDbStorageProvider() {
    }

    @Override
    public String name() {
        return "mapdb";
    }

    @Override
    public Storage open(StorageConfig config) {
        if (!config.options().isEmpty()) {
            throw new ConfigurationException("the mapdb storage takes no options; got " + config.options().keySet());
        }
        return MapDbStorage.open(config.directory());
    }
}
