package dev.bftkit.api.spi;

/** Opens {@link Storage} by plugin name through {@link java.util.ServiceLoader}; see {@link Plugins#storage}. */
public interface StorageProvider {
    /** {@return the provider's plugin name (for example {@code mapdb} or {@code memory})} */
    String name();

    /**
     * Opens (creating if needed) a store.
     *
     * @param config where and how
     * @return the open store
     * @throws dev.bftkit.api.StorageException if it cannot be opened: locked by another process, unreadable,
     *     corrupt; the message names the file
     */
    Storage open(StorageConfig config);

    /** {@return true if a write survives the process being killed once {@link Storage#write} returns} */
    default boolean durable() {
        return true;
    }
}
