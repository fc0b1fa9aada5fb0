package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.junit.StorageVerification;

/** The {@code memory} provider, found by name, against the kit's storage rules (durability rules are skipped). */
class MemoryStorageVerificationTest extends StorageVerification {
    @Override
    protected StorageProvider provider() {
        return Plugins.storage("memory");
    }
}
