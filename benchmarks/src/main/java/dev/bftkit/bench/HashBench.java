package dev.bftkit.bench;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.Plugins;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
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
 * The hash candidates for the {@code bc} suite: the JDK's SHA-256 (HotSpot intrinsics), Bouncy Castle's SHA-256,
 * BLAKE2b-256 and BLAKE3-256, each on a reused digest object; and the provider's {@code hash}, which makes a fresh
 * digest per call so it can be shared between threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashBench {
    /** Input length in bytes. */
    @Param({"32", "1024"})
    public int size;

    private byte[] data;
    private Crypto crypto;
    private MessageDigest jdkSha256;
    private final Digest bcSha256 = new SHA256Digest();
    private final Digest blake2b = new Blake2bDigest(256);
    private final Digest blake3 = new Blake3Digest(256);

    /** JMH constructs it. */
    public HashBench() {
    }

    /**
     * Makes the input and the digests.
     *
     * @throws NoSuchAlgorithmException never: every Java platform has SHA-256
     */
    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        data = new byte[size];
        new Random(42).nextBytes(data);
        crypto = Plugins.crypto("bc").create();
        jdkSha256 = MessageDigest.getInstance("SHA-256");
    }

    /** @return the JDK's SHA-256 */
    @Benchmark
    public byte[] sha256Jdk() {
        return jdkSha256.digest(data);
    }

    /** @return the bc provider's hash (the JDK's SHA-256 on a clone of a prototype) */
    @Benchmark
    public byte[] sha256Provider() {
        return crypto.hash(data);
    }

    /** @return Bouncy Castle's SHA-256 */
    @Benchmark
    public byte[] sha256Bc() {
        return run(bcSha256);
    }

    /** @return Bouncy Castle's BLAKE2b-256 */
    @Benchmark
    public byte[] blake2b256Bc() {
        return run(blake2b);
    }

    /** @return Bouncy Castle's BLAKE3 with 32 bytes of output */
    @Benchmark
    public byte[] blake3Bc() {
        return run(blake3);
    }

    private byte[] run(Digest digest) {
        digest.update(data, 0, data.length);
        byte[] out = new byte[32];
        digest.doFinal(out, 0);
        return out;
    }
}
