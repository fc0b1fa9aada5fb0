package dev.bftkit.api.spi;

/** A private signing key of a {@link Crypto} suite. Thread-safe. */
public interface SigningKey {
    /** {@return the matching public key} */
    PublicKey publicKey();

    /**
     * {@return the signature of {@code message} under this key, {@link Crypto#signatureLength()} bytes}
     *
     * @param message the bytes to sign
     */
    byte[] sign(byte[] message);

    /** {@return a copy of the seed the key was derived from, so it can be stored and restored} */
    byte[] seed();
}
