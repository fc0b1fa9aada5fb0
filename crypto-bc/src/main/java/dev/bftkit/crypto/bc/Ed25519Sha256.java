package dev.bftkit.crypto.bc;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The {@code ed25519-sha256} suite; {@link BcCryptoProvider} documents its verification rules and the choice of
 * hash. Stateless apart from an immutable SHA-256 prototype and the process's thread-safe cache of decoded keys
 * ({@link DecodedKeys}), so one instance serves every thread.
 */
final class Ed25519Sha256 implements Crypto {
    static final String SUITE = "ed25519-sha256";
    private static final int SEED_LENGTH = Ed25519.SECRET_KEY_SIZE;
    private static final int HASH_LENGTH = 32;
    /** The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian. */
    private static final byte[] ORDER = {
        (byte) 0xed, (byte) 0xd3, (byte) 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
        (byte) 0xd6, (byte) 0x9c, (byte) 0xf7, (byte) 0xa2, (byte) 0xde, (byte) 0xf9, (byte) 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
    /** Every key the process decoded, shared by all instances (a key validates the same way in each). */
    static final DecodedKeys DECODED = new DecodedKeys();

    private final MessageDigest sha256;

    Ed25519Sha256() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        Ed25519.precompute();
    }

    @Override
    public String suite() {
        return SUITE;
    }

    @Override
    public int seedLength() {
        return SEED_LENGTH;
    }

    @Override
    public int publicKeyLength() {
        return Ed25519.PUBLIC_KEY_SIZE;
    }

    @Override
    public int signatureLength() {
        return Ed25519.SIGNATURE_SIZE;
    }

    @Override
    public int hashLength() {
        return HASH_LENGTH;
    }

    @Override
    public SigningKey keyFromSeed(byte[] seed) {
        if (seed.length != SEED_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 seed is " + SEED_LENGTH + " bytes, got " + seed.length);
        }
        return new BcSigningKey(seed);
    }

    @Override
    public SigningKey generateKey(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return new BcSigningKey(seed);
    }

    @Override
    public Optional<PublicKey> decodePublicKey(byte[] encoded) {
        return Optional.ofNullable(decode(encoded));
    }

    /** @return the validated key, from the process's {@link DecodedKeys} or from {@link #validate}; null if refused */
    private static BcPublicKey decode(byte[] encoded) {
        if (encoded == null || encoded.length != Ed25519.PUBLIC_KEY_SIZE) {
            return null;
        }
        return DECODED.get(encoded, Ed25519Sha256::validate);
    }

    /**
     * Bouncy Castle's full validation: canonical encoding (y &lt; p, no sign bit on x = 0), on the curve, not one of
     * the small-order points, and in the prime-order subgroup ([L]A = identity), which also rejects mixed-order keys.
     */
    static BcPublicKey validate(byte[] encoded) {
        try {
            Ed25519.PublicPoint point = Ed25519.validatePublicKeyFullExport(encoded, 0);
            return point == null ? null : new BcPublicKey(encoded, point);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (message == null || signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        try {
            BcPublicKey ours = key instanceof BcPublicKey k ? k : decode(key.encoded());
            // Bouncy Castle 1.86 rejects S >= L itself; checking here keeps the rule if a later version changes.
            return ours != null && isCanonicalScalar(signature)
                    && Ed25519.verify(signature, 0, ours.point, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** @return whether S, the signature's last 32 bytes (little-endian), is below the group order L */
    static boolean isCanonicalScalar(byte[] signature) {
        for (int i = ORDER.length - 1; i >= 0; i--) {
            int s = signature[Ed25519.PUBLIC_KEY_SIZE + i] & 0xff;
            int l = ORDER[i] & 0xff;
            if (s != l) {
                return s < l;
            }
        }
        return false;
    }

    @Override
    public byte[] hash(byte[] data) {
        try {
            MessageDigest digest = (MessageDigest) sha256.clone();
            return digest.digest(data);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the SHA-256 digest cannot be cloned", e);
        }
    }

    @Override
    public String toString() {
        return SUITE + " (Bouncy Castle Ed25519, JDK SHA-256)";
    }
}
