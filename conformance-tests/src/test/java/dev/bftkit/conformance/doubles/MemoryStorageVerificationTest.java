package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.junit.StorageVerification;

/**
 * The {@code memory} provider, as {@link Doubles} hands it out, against the kit's storage rules (the durability rules
 * are skipped).
 */
class MemoryStorageVerificationTest extends StorageVerification {
    @Override
    protected StorageProvider provider() {
        return Doubles.memoryStorageProvider();
    }
}
