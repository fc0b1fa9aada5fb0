package dev.bftkit.crypto.bc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-checks the {@code bc} suite with the JDK's own Ed25519 (SunEC): the same key from the same seed, each side
 * verifies the other's signatures, and the signatures are equal byte for byte (Ed25519 is deterministic). Also
 * pins down where the two differ on crafted input, as {@link BcCryptoProvider} documents.
 */
class JdkCrossCheckTest {
    private static final BigInteger L =
            BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private final Crypto crypto = new BcCryptoProvider().create();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void eachSideVerifiesTheOther(long seed) throws GeneralSecurityException {
        Random random = new Random(seed);
        String replay = "seed " + seed + "; replay: mvn -B verify -pl crypto-bc -am -Dtest=JdkCrossCheckTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false";
        for (int i = 0; i < 10; i++) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            byte[] message = new byte[random.nextInt(2000)];
            random.nextBytes(message);
            SigningKey ours = crypto.keyFromSeed(secret);
            PrivateKey jdkPrivate = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, secret));
            java.security.PublicKey jdkPublic = jdkPublicKey(ours.publicKey().encoded());

            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(jdkPrivate);
            signer.update(message);
            byte[] jdkSignature = signer.sign();
            byte[] ourSignature = ours.sign(message);

            assertThat(ourSignature).as(replay).isEqualTo(jdkSignature);
            assertThat(crypto.verify(ours.publicKey(), message, jdkSignature)).as(replay).isTrue();
            assertThat(jdkVerify(jdkPublic, message, ourSignature)).as(replay).isTrue();
            message = Arrays.copyOf(message, message.length + 1);
            assertThat(jdkVerify(jdkPublic, message, ourSignature)).as(replay + ", tampered").isFalse();
            assertThat(crypto.verify(ours.publicKey(), message, jdkSignature)).as(replay + ", tampered").isFalse();
        }
    }

    @Test
    void sameSeedSamePublicKey() throws GeneralSecurityException {
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            byte[] ours = crypto.keyFromSeed(secret).publicKey().encoded();
            PrivateKey jdkPrivate = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, secret));
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(jdkPrivate);
            signer.update(new byte[0]);
            byte[] signature = signer.sign();
            // the JDK derives its public key from the same private key: our encoding must verify its signature
            assertThat(jdkVerify(jdkPublicKey(ours), new byte[0], signature)).isTrue();
            assertThat(encode((EdECPublicKey) jdkPublicKey(ours))).isEqualTo(ours);
        }
    }

    /** Both refuse S + L; the JDK says so with an exception, ours with false. */
    @Test
    void bothRefuseNonCanonicalS() throws GeneralSecurityException {
        SigningKey key = crypto.keyFromSeed(new byte[32]);
        byte[] message = "s".getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign(message);
        BigInteger s = littleEndian(Arrays.copyOfRange(signature, 32, 64)).add(L);
        System.arraycopy(toLittleEndian(s), 0, signature, 32, 32);

        assertThat(crypto.verify(key.publicKey(), message, signature)).isFalse();
        assertThat(jdkVerify(jdkPublicKey(key.publicKey().encoded()), message, signature)).isFalse();
    }

    /**
     * The JDK does not validate keys: with the identity as public key, R = identity and S = 0 "sign" every message.
     * Ours refuses the key, and refuses the signature even when the key is handed in from outside.
     */
    @Test
    void onlyOursRefusesTheIdentityKey() throws GeneralSecurityException {
        byte[] identity = HexFormat.of().parseHex("0100000000000000000000000000000000000000000000000000000000000000");
        byte[] forged = Arrays.copyOf(identity, 64);
        byte[] message = "anything at all".getBytes(StandardCharsets.UTF_8);

        assertThat(jdkVerify(jdkPublicKey(identity), message, forged)).isTrue();
        assertThat(crypto.decodePublicKey(identity)).isEmpty();
        PublicKey foreign = identity::clone;
        assertThat(crypto.verify(foreign, message, forged)).isFalse();
    }

    /**
     * The one difference on an honest key: R = a small-order point and S = k·a satisfy RFC 8032's cofactored
     * equation, which ours checks, but not the cofactorless one, which the JDK checks. Only the key's owner can make
     * such a signature.
     */
    @Test
    void cofactoredOursCofactorlessJdk() throws GeneralSecurityException {
        byte[] secret = new byte[32];
        new Random(9).nextBytes(secret);
        SigningKey key = crypto.keyFromSeed(secret);
        byte[] a = key.publicKey().encoded();
        byte[] orderTwo = HexFormat.of().parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        byte[] message = "torsion".getBytes(StandardCharsets.UTF_8);

        byte[] h = sha512(secret);
        h[0] &= (byte) 248;
        h[31] &= 127;
        h[31] |= 64;
        BigInteger scalar = littleEndian(Arrays.copyOf(h, 32));
        BigInteger k = littleEndian(sha512(orderTwo, a, message)).mod(L);
        byte[] signature = Arrays.copyOf(orderTwo, 64);
        System.arraycopy(toLittleEndian(k.multiply(scalar).mod(L)), 0, signature, 32, 32);

        assertThat(crypto.verify(key.publicKey(), message, signature)).isTrue();
        assertThat(jdkVerify(jdkPublicKey(a), message, signature)).isFalse();
    }

    private static boolean jdkVerify(java.security.PublicKey key, byte[] message, byte[] signature)
            throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(message);
        try {
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false;
        }
    }

    private static java.security.PublicKey jdkPublicKey(byte[] encoded) throws GeneralSecurityException {
        byte[] y = encoded.clone();
        boolean xOdd = (y[31] & 0x80) != 0;
        y[31] &= 0x7f;
        EdECPoint point = new EdECPoint(xOdd, littleEndian(y));
        return KeyFactory.getInstance("Ed25519")
                .generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }

    private static byte[] encode(EdECPublicKey key) {
        byte[] out = toLittleEndian(key.getPoint().getY());
        if (key.getPoint().isXOdd()) {
            out[31] |= (byte) 0x80;
        }
        return out;
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            big[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, big);
    }

    private static byte[] toLittleEndian(BigInteger v) {
        byte[] big = v.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < big.length; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    private static byte[] sha512(byte[]... parts) throws GeneralSecurityException {
        MessageDigest md = MessageDigest.getInstance("SHA-512");
        for (byte[] part : parts) {
            md.update(part);
        }
        return md.digest();
    }
}
