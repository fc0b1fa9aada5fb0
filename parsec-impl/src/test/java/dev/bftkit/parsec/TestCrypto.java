package dev.bftkit.parsec;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.SigningKey;
import java.util.Arrays;

/** The crypto PARSEC's tests sign with: the real {@code bc} provider (Ed25519 and SHA-256), found as users find it. */
final class TestCrypto {
    static final Crypto INSTANCE = Plugins.crypto("bc").create();

    private TestCrypto() {
    }

    /** @return a key whose seed is 32 copies of the byte {@code i + 1} */
    static SigningKey key(int i) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) (i + 1));
        return INSTANCE.keyFromSeed(seed);
    }
}
