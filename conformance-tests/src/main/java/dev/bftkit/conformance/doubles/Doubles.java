package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageProvider;
import java.util.List;

/**
 * The kit's test doubles, for whoever asks for them by name here: the {@code memory} storage and the
 * {@code insecure-fast} crypto suite. They are not registered as plugins, so {@code Plugins} and
 * {@link java.util.ServiceLoader} never find them and a production node cannot run on them. A caller that looks
 * plugins up by name and accepts the doubles too passes them along:
 * {@code Plugins.storage(name, Doubles.storageProviders())}, {@code Plugins.crypto(name, Doubles.cryptoProviders())}.
 */
public final class Doubles {
    /** The {@code memory} storage provider's name. */
    public static final String MEMORY = MemoryStorageProvider.NAME;
    /** The {@code insecure-fast} crypto provider's name. */
    public static final String INSECURE_FAST = InsecureFastCryptoProvider.NAME;

    private Doubles() {
    }

    /** {@return a new, empty, non-durable store: what the {@code memory} provider opens} */
    public static Storage memoryStorage() {
        return new MemoryStorage();
    }

    /**
     * The {@code memory} storage provider: an ordered map in this JVM, not durable, each {@code open} empty.
     *
     * @return the provider
     */
    public static StorageProvider memoryStorageProvider() {
        return new MemoryStorageProvider();
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
        return new InsecureFastCrypto();
    }

    /**
     * The {@code insecure-fast} crypto provider, whose suites are {@link #insecureCrypto()}'s. It is not
     * {@link CryptoProvider#secure() secure}.
     *
     * @return the provider
     */
    public static CryptoProvider insecureCryptoProvider() {
        return new InsecureFastCryptoProvider();
    }

    /** {@return the storage doubles, for a lookup by name that accepts them: the {@code memory} provider} */
    public static List<StorageProvider> storageProviders() {
        return List.of(memoryStorageProvider());
    }

    /** {@return the crypto doubles, for a lookup by name that accepts them: the {@code insecure-fast} provider} */
    public static List<CryptoProvider> cryptoProviders() {
        return List.of(insecureCryptoProvider());
    }
}
