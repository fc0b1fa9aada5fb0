/**
 * Durable storage on MapDB with a commit log of its own: the {@code mapdb} storage provider. It exports no package;
 * users reach it through {@link dev.bftkit.api.spi.Plugins#storage(String)}.
 */
module dev.bftkit.storage.mapdb {
    requires dev.bftkit.api;
    requires mapdb;
    requires kotlin.stdlib;
    requires com.google.common;

    provides dev.bftkit.api.spi.StorageProvider with dev.bftkit.storage.mapdb.MapDbStorageProvider;
}
