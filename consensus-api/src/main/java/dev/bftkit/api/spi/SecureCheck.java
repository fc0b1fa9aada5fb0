package dev.bftkit.api.spi;

import dev.bftkit.api.ConfigurationException;

/** The refusal of a test-only crypto suite where real nodes talk over a network, for {@link Plugins} and transports. */
final class SecureCheck {
    private SecureCheck() {
    }

    static CryptoProvider require(CryptoProvider provider) {
        if (!provider.secure()) {
            throw insecure("crypto provider '" + provider.name() + "'");
        }
        return provider;
    }

    static Crypto require(Crypto crypto) {
        if (!crypto.secure()) {
            throw insecure("crypto suite '" + crypto.suite() + "'");
        }
        return crypto;
    }

    private static ConfigurationException insecure(String what) {
        return new ConfigurationException(what + " is an insecure test double (anyone can forge its signatures): "
                + "it is for simulations only, never for nodes on a network; use a real suite such as 'bc'");
    }
}
