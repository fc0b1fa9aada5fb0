package dev.bftkit.bench;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ed25519 sign and verify: the {@code bc} provider (Bouncy Castle, key decoded once), Bouncy Castle's raw API with
 * the key as bytes (decoded on every call), and the JDK's SunEC.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Ed25519Bench {
    /** Message length in bytes. */
    @Param({"32", "1024"})
    public int size;

    private Crypto crypto;
    private SigningKey key;
    private PublicKey publicKey;
    private byte[] publicBytes;
    private byte[] message;
    private byte[] signature;
    private Signature jdkSigner;
    private Signature jdkVerifier;

    /** JMH constructs it. */
    public Ed25519Bench() {
    }

    /**
     * Makes one key on both sides from one seed, and a signature to verify.
     *
     * @throws GeneralSecurityException if the JDK has no Ed25519
     */
    @Setup
    public void setUp() throws GeneralSecurityException {
        Random random = new Random(42);
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        message = new byte[size];
        random.nextBytes(message);
        crypto = Plugins.crypto("bc").create();
        key = crypto.keyFromSeed(seed);
        publicKey = key.publicKey();
        publicBytes = publicKey.encoded();
        signature = key.sign(message);

        PrivateKey jdkPrivate = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        jdkSigner = Signature.getInstance("Ed25519");
        jdkSigner.initSign(jdkPrivate);
        jdkVerifier = Signature.getInstance("Ed25519");
        jdkSigner.update(message);
        byte[] jdkSignature = jdkSigner.sign();
        if (!java.util.Arrays.equals(jdkSignature, signature)) {
            throw new IllegalStateException("the JDK and Bouncy Castle disagree on a signature");
        }
        jdkVerifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(
                new java.security.spec.X509EncodedKeySpec(x509(publicBytes))));
    }

    /** @return a signature by the bc provider */
    @Benchmark
    public byte[] signBc() {
        return key.sign(message);
    }

    /**
     * @return a signature by the JDK
     * @throws GeneralSecurityException never
     */
    @Benchmark
    public byte[] signJdk() throws GeneralSecurityException {
        jdkSigner.update(message);
        return jdkSigner.sign();
    }

    /** @return the bc provider's verdict (key decoded once, as the provider keeps it) */
    @Benchmark
    public boolean verifyBc() {
        return crypto.verify(publicKey, message, signature);
    }

    /** @return Bouncy Castle's verdict with the key as bytes, decoded and checked on every call */
    @Benchmark
    public boolean verifyBcKeyBytes() {
        return Ed25519.verify(signature, 0, publicBytes, 0, message, 0, message.length);
    }

    /**
     * @return the JDK's verdict
     * @throws GeneralSecurityException never
     */
    @Benchmark
    public boolean verifyJdk() throws GeneralSecurityException {
        jdkVerifier.update(message);
        return jdkVerifier.verify(signature);
    }

    /** The X.509 SubjectPublicKeyInfo of an Ed25519 key: a fixed 12-byte header, then the key. */
    private static byte[] x509(byte[] key) {
        byte[] header = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        byte[] out = java.util.Arrays.copyOf(header, header.length + key.length);
        System.arraycopy(key, 0, out, header.length, key.length);
        return out;
    }
}
