/**
 * Ed25519 signatures and SHA-256 hashing: the {@code bc} crypto provider, suite {@code ed25519-sha256}, on Bouncy
 * Castle's lightweight API. It exports nothing: users find it by name, {@code Plugins.crypto("bc")}.
 */
module dev.bftkit.crypto.bc {
    requires dev.bftkit.api;
    requires org.bouncycastle.provider;

    provides dev.bftkit.api.spi.CryptoProvider with dev.bftkit.crypto.bc.BcCryptoProvider;
}
