package dev.bftkit.storage.mapdb;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.junit.StorageVerification;

/** The {@code mapdb} provider, found by name, against every storage rule of the kit, crash testing included. */
class MapDbStorageVerificationTest extends StorageVerification {
    @Override
    protected StorageProvider provider() {
        return Plugins.storage("mapdb");
    }

    /** The data lives in the file; the heap holds the record cache (8 MiB of records) and MapDB's bookkeeping. */
    @Override
    protected long millionKeysHeapBound() {
        return 64L * 1024 * 1024;
    }
}
