package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;

/**
 * The {@code memory} storage: not durable, for simulations and tests. It lives in the kit beside the simulator,
 * which restarts nodes from it, rather than in the API module, which carries no implementations. It is not
 * registered as a plugin: {@code Doubles.memoryStorageProvider()} hands it out.
 */
final class MemoryStorageProvider implements StorageProvider {
    /** The provider's name. */
    static final String NAME = "memory";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Storage open(StorageConfig config) {
        return new MemoryStorage();
    }

    @Override
    public boolean durable() {
        return false;
    }
}
