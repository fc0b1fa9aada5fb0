package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Storage;

/** Entry points to the kit's test doubles. */
public final class Doubles {
    private Doubles() {
    }

    /** {@return a new, empty, non-durable store (the {@code memory} storage provider's kind)} */
    public static Storage memoryStorage() {
        return new MemoryStorage();
    }

    /**
     * The {@code insecure-fast} crypto suite: <strong>UNSAFE</strong>, anyone who knows a public key can forge its
     * signatures. It keeps the structure simulations rely on (deterministic signatures bound to one key and one
     * message, real SHA-256 hashes) at the cost of one SHA-256 per signature, for large simulation sweeps. Its
     * {@link Crypto#secure()} is false, so transports refuse it.
     *
     * @return a new suite
     */
    public static Crypto insecureCrypto() {
        return new InsecureFastCryptoProvider().create();
    }
}
