package dev.bftkit.streamlette;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/** Temporary fast test crypto (replaced by the kit's insecure-fast suite). */
final class TestCrypto implements Crypto {
    static byte[] sha(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Pub(byte[] encoded) implements PublicKey {
    }

    public String suite() {
        return "test";
    }

    public int seedLength() {
        return 32;
    }

    public int publicKeyLength() {
        return 32;
    }

    public int signatureLength() {
        return 16;
    }

    public int hashLength() {
        return 32;
    }

    public SigningKey keyFromSeed(byte[] seed) {
        byte[] pk = sha(seed);
        return new SigningKey() {
            public PublicKey publicKey() {
                return new Pub(pk);
            }

            public byte[] sign(byte[] m) {
                return Arrays.copyOf(sha(pk, m), 16);
            }

            public byte[] seed() {
                return seed.clone();
            }
        };
    }

    public SigningKey generateKey(SecureRandom r) {
        byte[] s = new byte[32];
        r.nextBytes(s);
        return keyFromSeed(s);
    }

    public Optional<PublicKey> decodePublicKey(byte[] e) {
        return e.length == 32 ? Optional.of(new Pub(e.clone())) : Optional.empty();
    }

    public boolean verify(PublicKey k, byte[] m, byte[] s) {
        return s.length == 16 && Arrays.equals(Arrays.copyOf(sha(k.encoded(), m), 16), s);
    }

    public byte[] hash(byte[] d) {
        return sha(d);
    }
}
