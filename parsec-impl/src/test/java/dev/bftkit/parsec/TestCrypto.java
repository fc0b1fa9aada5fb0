package dev.bftkit.parsec;

import dev.bftkit.api.spi.Crypto;
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
 * A minimal test-only {@link Crypto}: real Ed25519 from the JDK (SunEC) and SHA-256. Keys come from 32-byte seeds
 * (the JDK generates the key pair from the seed as its random bytes).
 */
final class TestCrypto implements Crypto {
    static final TestCrypto INSTANCE = new TestCrypto();

    @Override
    public String suite() {
        return "test-ed25519-sha256";
    }

    @Override
    public int seedLength() {
        return 32;
    }

    @Override
    public int publicKeyLength() {
        return 32;
    }

    @Override
    public int signatureLength() {
        return 64;
    }

    @Override
    public int hashLength() {
        return 32;
    }

    /** @return a key whose seed is 32 copies of the byte */
    static SigningKey key(int i) {
        byte[] seed = new byte[32];
        Arrays.fill(seed, (byte) (i + 1));
        return INSTANCE.keyFromSeed(seed);
    }

    @Override
    public SigningKey keyFromSeed(byte[] seed) {
        if (seed.length != 32) {
            throw new IllegalArgumentException("seed must be 32 bytes");
        }
        byte[] copy = seed.clone();
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
                private static final long serialVersionUID = 1L;

                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(copy, 0, bytes, 0, bytes.length);
                }
            });
            KeyPair pair = g.generateKeyPair();
            Key pub = new Key(encode((EdECPublicKey) pair.getPublic()), pair.getPublic());
            return new SigningKey() {
                @Override
                public PublicKey publicKey() {
                    return pub;
                }

                @Override
                public byte[] sign(byte[] message) {
                    try {
                        Signature s = Signature.getInstance("Ed25519");
                        s.initSign(pair.getPrivate());
                        s.update(message);
                        return s.sign();
                    } catch (GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public byte[] seed() {
                    return copy.clone();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public SigningKey generateKey(SecureRandom random) {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return keyFromSeed(seed);
    }

    @Override
    public Optional<PublicKey> decodePublicKey(byte[] encoded) {
        if (encoded.length != 32) {
            return Optional.empty();
        }
        try {
            byte[] le = encoded.clone();
            boolean xOdd = (le[31] & 0x80) != 0;
            le[31] &= 0x7f;
            byte[] be = new byte[32];
            for (int i = 0; i < 32; i++) {
                be[i] = le[31 - i];
            }
            EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, be));
            java.security.PublicKey k = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
            return Optional.of(new Key(encoded.clone(), k));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean verify(PublicKey key, byte[] message, byte[] signature) {
        if (!(key instanceof Key k) || signature.length != 64) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(k.jdk);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public byte[] hash(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(EdECPublicKey k) {
        byte[] be = k.getPoint().getY().toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < be.length && i < 32; i++) {
            le[i] = be[be.length - 1 - i];
        }
        if (k.getPoint().isXOdd()) {
            le[31] |= (byte) 0x80;
        }
        return le;
    }

    private static final class Key implements PublicKey {
        private final byte[] encoded;
        private final java.security.PublicKey jdk;

        Key(byte[] encoded, java.security.PublicKey jdk) {
            this.encoded = encoded;
            this.jdk = jdk;
        }

        @Override
        public byte[] encoded() {
            return encoded.clone();
        }
    }
}
