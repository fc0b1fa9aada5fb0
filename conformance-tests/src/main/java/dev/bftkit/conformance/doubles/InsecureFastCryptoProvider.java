package dev.bftkit.conformance.doubles;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;

/**
 * The {@code insecure-fast} crypto provider: <strong>UNSAFE, for simulations only.</strong> Anyone who knows a
 * public key can forge that key's signatures; see {@link InsecureFastCrypto}. It is {@link #secure() not secure},
 * so {@code Plugins.requireSecure} and every transport refuse it. It is not registered as a plugin:
 * {@link Doubles#insecureCryptoProvider()} hands it out.
 */
final class InsecureFastCryptoProvider implements CryptoProvider {
    @Override
    public String name() {
        return Doubles.INSECURE_FAST;
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
