package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;

/**
 * The {@code insecure-fast} crypto provider: <strong>UNSAFE, for simulations only.</strong> Anyone who knows a
 * public key can forge that key's signatures; see {@link InsecureFastCrypto}. It is {@link #secure() not secure},
 * so {@code Plugins.requireSecure} and every transport refuse it.
 */
public final class InsecureFastCryptoProvider implements CryptoProvider {
    /** The provider's name. */
    public static final String NAME = "insecure-fast";

    /** Called by {@link java.util.ServiceLoader}. */
    public InsecureFastCryptoProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Crypto create() {
        return new InsecureFastCrypto();
    }

    @Override
    public boolean secure() {
        return false;
    }
}
