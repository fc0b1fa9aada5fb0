/** Durable storage on MapDB with its write-ahead log on: the {@code mapdb} storage provider. */
module dev.bftkit.storage.mapdb {
    requires dev.bftkit.api;
    requires mapdb;
    requires kotlin.stdlib;
    requires com.google.common;
}
