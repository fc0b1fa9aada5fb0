package dev.bftkit.conformance.testcrypto;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.EncodedPublicKey;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Optional;

/**
 * TEST-ONLY real Ed25519 over the JDK's own provider (SunEC), for the transport tests on real sockets until the
 * {@code crypto-bc} plugin is available to them. Keys come from 32-byte seeds (RFC 8032 private keys), public keys
 * are the 32-byte RFC 8032 encoding, hashes are SHA-256. It rejects non-canonical public keys but, unlike a
 * production suite, does not screen small-order keys: do not use it outside tests.
 */
public final class JdkEd25519TestCrypto implements Crypto {
    private static final int LENGTH = 32;
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));

    @Override
    public String suite() {
        return "ed25519-sha256";
    }

    @Override
    public int seedLength() {
        return LENGTH;
    }

    @Override
    public int publicKeyLength() {
        return LENGTH;
    }

    @Override
    public int signatureLength() {
        return 64;
    }

    @Override
    public int hashLength() {
        return LENGTH;
    }

    @Override
    public SigningKey keyFromSeed(byte[] seed) {
        if (seed.length != LENGTH) {
            throw new IllegalArgumentException("seed must be " + LENGTH + " bytes, got " + seed.length);
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            // SunEC draws the 32-byte private key from the random source: hand it the seed
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed.clone()));
            KeyPair pair = generator.generateKeyPair();
            return new JdkSigningKey(seed.clone(), pair.getPrivate(), new JdkPublicKey(
                    encode((EdECPublicKey) pair.getPublic()), (EdECPublicKey) pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    @Override
    public SigningKey generateKey(SecureRandom random) {
        byte[] seed = new byte[LENGTH];
        random.nextBytes(seed);
        return keyFromSeed(seed);
    }

    @Override
    public Optional<PublicKey> decodePublicKey(byte[] encoded) {
        if (encoded.length != LENGTH) {
            return Optional.empty();
        }
        byte[] le = encoded.clone();
        boolean xOdd = (le[LENGTH - 1] & 0x80) != 0;
        le[LENGTH - 1] &= 0x7f;
        byte[] be = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            be[i] = le[LENGTH - 1 - i];
        }
        BigInteger y = new BigInteger(1, be);
        if (y.compareTo(P) >= 0) {
            return Optional.empty();
        }
        try {
            EdECPublicKey key = (EdECPublicKey) KeyFactory.getInstance("Ed25519")
                    .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, y)));
            return Optional.of(new JdkPublicKey(encoded.clone(), key));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (!(key instanceof JdkPublicKey jdk) || signature.length != 64) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(jdk.key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static byte[] encode(EdECPublicKey key) {
        byte[] be = key.getPoint().getY().toByteArray();
        byte[] le = new byte[LENGTH];
        for (int i = 0; i < Math.min(be.length, LENGTH); i++) {
            le[i] = be[be.length - 1 - i];
        }
        if (key.getPoint().isXOdd()) {
            le[LENGTH - 1] |= (byte) 0x80;
        }
        return le;
    }

    private static final class JdkPublicKey extends EncodedPublicKey {
        private final EdECPublicKey key;

        JdkPublicKey(byte[] encoded, EdECPublicKey key) {
            super("jdk-ed25519", encoded);
            this.key = key;
        }
    }

    private static final class JdkSigningKey implements SigningKey {
        private final byte[] seed;
        private final java.security.PrivateKey key;
        private final JdkPublicKey publicKey;

        JdkSigningKey(byte[] seed, java.security.PrivateKey key, JdkPublicKey publicKey) {
            this.seed = seed;
            this.key = key;
            this.publicKey = publicKey;
        }

        @Override
        public PublicKey publicKey() {
            return publicKey;
        }

        @Override
        public byte[] sign(byte[] message) {
            try {
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(key);
                signer.update(message);
                return signer.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Ed25519 signing failed", e);
            }
        }

        @Override
        public byte[] seed() {
            return seed.clone();
        }
    }

    /** Hands out the seed as the generator's "random" private key bytes. */
    private static final class SeedRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("expected a request for " + seed.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
