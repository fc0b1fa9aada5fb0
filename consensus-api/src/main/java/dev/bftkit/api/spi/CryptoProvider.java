package dev.bftkit.api.spi;

/**
 * Finds a {@link Crypto} suite by name through {@link java.util.ServiceLoader}; see {@link Plugins#crypto}.
 */
public interface CryptoProvider {
    /** {@return the provider's plugin name, unique among crypto providers (for example {@code bc})} */
    String name();

    /** {@return a new, ready suite} */
    Crypto create();

    /**
     * Whether the suite may protect real nodes on a network. A test suite built for simulation speed answers false,
     * and every runtime that opens real sockets refuses it.
     *
     * @return true for real cryptography
     */
    default boolean secure() {
        return true;
    }
}
