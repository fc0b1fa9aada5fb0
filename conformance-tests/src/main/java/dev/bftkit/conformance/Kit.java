package dev.bftkit.conformance;

import dev.bftkit.api.spi.Storage;
import dev.bftkit.conformance.internal.MemoryStorage;

/** Entry points to the kit's test doubles. */
public final class Kit {
    private Kit() {
    }

    /** @return a new, empty, non-durable store (the {@code memory} storage provider's kind) */
    public static Storage memoryStorage() {
        return new MemoryStorage();
    }
}
