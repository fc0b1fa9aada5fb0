package dev.bftkit.api.spi;

import java.security.SecureRandom;
import java.util.Optional;

/**
 * A signature scheme and a hash, behind one suite name (for example {@code ed25519-sha256}). The suite name is
 * part of a committee's configuration: nodes with different suites fail fast instead of disagreeing.
 *
 * <p>Implementations are thread-safe. {@link #verify} never throws and never hangs on any input: a malformed key,
 * signature or length simply fails to verify.
 */
public interface Crypto {
    /** {@return the suite name, naming both the signature scheme and the hash} */
    String suite();

    /**
     * Whether the suite may protect real nodes on a network; the same answer as its provider's
     * {@link CryptoProvider#secure()}. A test suite built for simulation speed answers false, and
     * {@link Plugins#requireSecure(Crypto)} refuses it wherever real sockets are opened.
     *
     * @return true for real cryptography
     */
    default boolean secure() {
        return true;
    }

    /** {@return the length of a seed for {@link #keyFromSeed}, in bytes} */
    int seedLength();

    /** {@return the length of an encoded public key, in bytes} */
    int publicKeyLength();

    /** {@return the length of a signature, in bytes} */
    int signatureLength();

    /** {@return the length of a hash, in bytes} */
    int hashLength();

    /**
     * A signing key derived deterministically from a seed (for simulations and for keys stored on disk).
     *
     * @param seed exactly {@link #seedLength()} bytes
     * @return the key
     * @throws IllegalArgumentException if the seed has the wrong length
     */
    SigningKey keyFromSeed(byte[] seed);

    /**
     * A fresh signing key.
     *
     * @param random the source of the seed
     * @return the key
     */
    SigningKey generateKey(SecureRandom random);

    /**
     * Decodes a public key, rejecting malformed encodings and weak (small-order) keys.
     *
     * @param encoded the encoding
     * @return the key, or empty if the encoding is not an acceptable key
     */
    Optional<PublicKey> decodePublicKey(byte[] encoded);

    /**
     * Checks a signature. Never throws, never hangs.
     *
     * @param key the signer's key
     * @param message the signed bytes
     * @param signature the signature, of any length
     * @return true only for a valid signature of {@code message} by {@code key}
     */
    boolean verify(PublicKey key, byte[] message, byte[] signature);

    /**
     * {@return the hash of {@code data}, {@link #hashLength()} bytes}
     *
     * @param data the bytes to hash
     */
    byte[] hash(byte[] data);
}
