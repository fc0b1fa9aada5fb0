package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;

/**
 * The {@code insecure-fast} crypto provider: <strong>UNSAFE, for simulations only.</strong> Anyone who knows a
 * public key can forge that key's signatures; see {@link InsecureFastCrypto}. It is {@link #secure() not secure},
 * so {@code Plugins.requireSecure} and every transport refuse it. It is not registered as a plugin:
 * {@code Doubles.insecureCryptoProvider()} hands it out.
 */
final class InsecureFastCryptoProvider implements CryptoProvider {
    /** The provider's name. */
    static final String NAME = "insecure-fast";

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
