package dev.bftkit.conformance.doubles;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.EncodedPublicKey;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * Suite {@code insecure-fast-sha256}: <strong>UNSAFE, for large simulation sweeps only.</strong>
 *
 * <p>A public key is SHA-256 of a tag and the seed; a "signature" of a message is the first 16 bytes of SHA-256 of
 * a tag, the <em>public</em> key and the message. So the key a verifier needs is the very key that makes
 * signatures: anyone who knows a public key can sign for it. What it keeps is the structure the algorithms rely on:
 * signatures are deterministic, bound to one key and one message (any changed byte of either fails to verify, up
 * to a 2^-128 chance), and cost one SHA-256 instead of an elliptic-curve scalar multiplication (hundreds of times
 * cheaper). Hashes are real SHA-256, so simulated decisions hash like real ones.
 *
 * <p>{@link #secure()} is false; transports refuse it, so it cannot protect a node on a network by mistake.
 */
final class InsecureFastCrypto implements Crypto {
    static final String SUITE = "insecure-fast-sha256";
    private static final int SEED_LENGTH = 32;
    private static final int KEY_LENGTH = 32;
    private static final int SIGNATURE_LENGTH = 16;
    private static final byte[] KEY_TAG = "bftkit/insecure-fast/v1/key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SIGNATURE_TAG = "bftkit/insecure-fast/v1/sig".getBytes(StandardCharsets.US_ASCII);

    private final MessageDigest sha256;

    InsecureFastCrypto() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String suite() {
        return SUITE;
    }

    @Override
    public boolean secure() {
        return false;
    }

    @Override
    public int seedLength() {
        return SEED_LENGTH;
    }

    @Override
    public int publicKeyLength() {
        return KEY_LENGTH;
    }

    @Override
    public int signatureLength() {
        return SIGNATURE_LENGTH;
    }

    @Override
    public int hashLength() {
        return 32;
    }

    @Override
    public SigningKey keyFromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException(
                    "an insecure-fast seed is " + SEED_LENGTH + " bytes, got " + seed.length);
        }
        byte[] copy = seed.clone();
        return new Key(copy, new Public(digest(KEY_TAG, copy, new byte[0])));
    }

    @Override
    public SigningKey generateKey(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return keyFromSeed(seed);
    }

    @Override
    public Optional<PublicKey> decodePublicKey(byte[] encoded) {
        if (encoded == null || encoded.length != KEY_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(new Public(encoded.clone()));
    }

    @Override
    public boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (message == null || signature == null || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            byte[] encoded = key instanceof Public p ? p.encoded : key.encoded();
            return encoded != null && encoded.length == KEY_LENGTH
                    && MessageDigest.isEqual(tag(encoded, message), signature);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public byte[] hash(byte[] data) {
        return fresh().digest(data);
    }

    private byte[] tag(byte[] publicKey, byte[] message) {
        return Arrays.copyOf(digest(SIGNATURE_TAG, publicKey, message), SIGNATURE_LENGTH);
    }

    private byte[] digest(byte[] tag, byte[] key, byte[] message) {
        MessageDigest md = fresh();
        md.update(tag);
        md.update(key);
        md.update(message);
        return md.digest();
    }

    private MessageDigest fresh() {
        try {
            return (MessageDigest) sha256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 digest cannot be cloned", e);
        }
    }

    @Override
    public String toString() {
        return SUITE + " (UNSAFE: anyone can forge its signatures)";
    }

    private final class Key implements SigningKey {
        private final byte[] seed;
        private final Public publicKey;

        Key(byte[] seed, Public publicKey) {
            this.seed = seed;
            this.publicKey = publicKey;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] message) {
            return tag(publicKey.encoded, message);
        }

        @Override
        public byte[] seed() {
            return seed.clone();
        }

        @Override
        public String toString() {
            return "insecure signing key of " + publicKey;
        }
    }

    private static final class Public extends EncodedPublicKey {
        /** The encoding, read without a copy on the hot path. */
        final byte[] encoded;

        Public(byte[] encoded) {
            super("insecure", encoded);
            this.encoded = encoded;
        }
    }
}
