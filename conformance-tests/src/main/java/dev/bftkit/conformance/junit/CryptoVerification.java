package dev.bftkit.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import dev.bftkit.conformance.junit.Ed25519Reference.KeyPair;
import dev.bftkit.conformance.junit.Ed25519Reference.Point;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules every {@link Crypto} suite must follow, as JUnit 5 tests. A provider's own test subclasses it in a few
 * lines:
 *
 * <pre>{@code
 * class BcCryptoVerificationTest extends CryptoVerification {
 *     protected CryptoProvider provider() { return new BcCryptoProvider(); }
 *     protected boolean claimsRfc8032Vectors() { return true; }
 *     protected boolean claimsStrictVerification() { return true; }
 *     protected String claimedHash() { return "sha256"; }
 * }
 * }</pre>
 *
 * <p>Test names carry the rule ids listed in the kit's README: {@code required_…} rules hold for every suite;
 * {@code optional_…} rules hold for the suites that claim them through a capability hook, and are skipped (not
 * passed) through a JUnit assumption otherwise. Randomized rules run on fixed seeds; a failure names its seed and
 * the command that replays it.
 */
// "exports": the JUnit annotations on public methods come from modules the kit reads only statically, on purpose
@SuppressWarnings("exports")
public abstract class CryptoVerification {
    private static final int[] MESSAGE_LENGTHS = {0, 1, 2, 31, 32, 33, 63, 64, 65, 255, 1000, 4096};
    private static final long HANG_LIMIT_MINUTES = 5;

    /** The suite under test, made fresh from {@link #provider()} before each test. */
    private Crypto crypto;

    /** For subclasses. */
    protected CryptoVerification() {
    }

    /** {@return the provider under test} */
    protected abstract CryptoProvider provider();

    /**
     * Claims Ed25519 exactly as RFC 8032 §5.1 defines it: a seed is an RFC 8032 private key, and keys and signatures
     * match the RFC's test vectors and the kit's reference implementation byte for byte.
     *
     * @return true to run {@code optional_rfc8032…} rules
     */
    protected boolean claimsRfc8032Vectors() {
        return false;
    }

    /**
     * Claims strict Ed25519 verification (with {@link #claimsRfc8032Vectors()}): canonical S (S &lt; L), canonical
     * encodings of keys and of R, and keys in the prime-order subgroup only (no small-order, no mixed-order keys).
     *
     * @return true to run {@code optional_strict…} rules
     */
    protected boolean claimsStrictVerification() {
        return false;
    }

    /**
     * Claims RFC 8032's cofactored group equation [8][S]B = [8]R + [8][k]A (with {@link #claimsRfc8032Vectors()}):
     * a signature whose R carries a small-order component, which only the key's owner can make, still verifies.
     *
     * @return true to run the {@code optional_cofactored…} rule
     */
    protected boolean claimsCofactoredVerification() {
        return false;
    }

    /**
     * The hash the suite claims, for its known-answer vectors: {@code sha256}, {@code blake2b-256} or
     * {@code blake3}. Empty claims none.
     *
     * @return the hash's name, or empty
     */
    protected String claimedHash() {
        return "";
    }

    /** {@return how many threads the parallel rule uses} */
    protected int threads() {
        return 8;
    }

    /** Makes a fresh suite. */
    @BeforeEach
    public void createSuite() {
        crypto = provider().create();
    }

    // ---------------------------------------------------------------- required: structure

    /** Rule {@code required_namesAndSizes}: the provider and the suite have names, sizes and one secure flag. */
    @Test
    public void required_namesAndSizes() {
        CryptoProvider provider = provider();
        assertThat(provider.name()).as("provider name").isNotBlank();
        assertThat(crypto.suite()).as("suite name").isNotBlank().doesNotContainAnyWhitespaces();
        assertThat(crypto.seedLength()).as("seed length").isBetween(16, 4096);
        assertThat(crypto.publicKeyLength()).as("public key length").isBetween(1, 64);
        assertThat(crypto.signatureLength()).as("signature length").isPositive();
        assertThat(crypto.hashLength()).as("hash length").isBetween(16, 64);
        assertThat(crypto.secure()).as("the suite's secure() agrees with its provider's").isEqualTo(provider.secure());
        assertThat(provider.create().suite()).as("every create() makes the same suite").isEqualTo(crypto.suite());
    }

    /** Rule {@code required_keyFromSeedDeterministic}: one seed, one key; different seeds, different keys. */
    @Test
    public void required_keyFromSeedDeterministic() {
        byte[] seed = bytes(new Random(11), crypto.seedLength());
        SigningKey a = crypto.keyFromSeed(seed);
        SigningKey b = provider().create().keyFromSeed(seed.clone());
        assertThat(a.publicKey().encoded()).isEqualTo(b.publicKey().encoded());
        assertThat(a.publicKey().encoded()).hasSize(crypto.publicKeyLength());
        assertThat(a.seed()).isEqualTo(seed);
        byte[] other = seed.clone();
        other[0] ^= 1;
        assertThat(crypto.keyFromSeed(other).publicKey().encoded()).isNotEqualTo(a.publicKey().encoded());
    }

    /** Rule {@code required_keyFromSeedRejectsWrongLength}: a seed of the wrong length is an error, not a key. */
    @Test
    public void required_keyFromSeedRejectsWrongLength() {
        for (int length : new int[] {0, 1, crypto.seedLength() - 1, crypto.seedLength() + 1, 2 * crypto.seedLength()}) {
            assertThatThrownBy(() -> crypto.keyFromSeed(new byte[length]))
                    .as("seed of %d bytes", length).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Rule {@code required_generatedKeysFreshAndRestorable}: random keys differ and come back from their seed. */
    @Test
    public void required_generatedKeysFreshAndRestorable() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            SigningKey key = crypto.generateKey(random);
            assertThat(seen.add(Bytes.hex(key.publicKey().encoded()))).as("a repeated random key").isTrue();
            SigningKey restored = crypto.keyFromSeed(key.seed());
            assertThat(restored.publicKey().encoded()).isEqualTo(key.publicKey().encoded());
            byte[] message = ("restored " + i).getBytes(StandardCharsets.UTF_8);
            assertThat(crypto.verify(key.publicKey(), message, restored.sign(message))).isTrue();
        }
    }

    /** Rule {@code required_publicKeyRoundTrip}: a public key's encoding decodes to a key that verifies alike. */
    @Test
    public void required_publicKeyRoundTrip() {
        SigningKey key = key(21);
        byte[] encoded = key.publicKey().encoded();
        Optional<PublicKey> decoded = crypto.decodePublicKey(encoded);
        assertThat(decoded).as("decoding a real key").isPresent();
        assertThat(decoded.get().encoded()).isEqualTo(encoded);
        assertThat(decoded.get().nodeId()).isEqualTo(key.publicKey().nodeId());
        byte[] message = "round trip".getBytes(StandardCharsets.UTF_8);
        assertThat(crypto.verify(decoded.get(), message, key.sign(message))).isTrue();
        encoded[0] ^= 1;
        assertThat(decoded.get().encoded()).as("encoded() returns a copy").isNotEqualTo(encoded);
    }

    /** Rule {@code required_decodeRejectsWrongLength}: only encodings of exactly the key length can decode. */
    @Test
    public void required_decodeRejectsWrongLength() {
        byte[] real = key(22).publicKey().encoded();
        for (int length = 0; length <= 2 * crypto.publicKeyLength() + 1; length++) {
            if (length != crypto.publicKeyLength()) {
                assertThat(crypto.decodePublicKey(Arrays.copyOf(real, length))).as("%d bytes", length).isEmpty();
            }
        }
        assertThat(crypto.decodePublicKey(null)).as("null").isEmpty();
    }

    // ---------------------------------------------------------------- required: signatures

    /**
     * Rule {@code required_signVerifyRoundTrip}: signatures of random messages of many lengths verify, and only
     * under the signer's key.
     *
     * @param seed the random seed
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    public void required_signVerifyRoundTrip(long seed) {
        Random random = new Random(seed);
        SigningKey key = crypto.keyFromSeed(bytes(random, crypto.seedLength()));
        SigningKey other = crypto.keyFromSeed(bytes(random, crypto.seedLength()));
        for (int length : MESSAGE_LENGTHS) {
            byte[] message = bytes(random, length);
            byte[] signature = key.sign(message);
            String context = replay("required_signVerifyRoundTrip", seed) + ", message of " + length + " bytes";
            assertThat(signature).as(context).hasSize(crypto.signatureLength());
            assertThat(crypto.verify(key.publicKey(), message, signature)).as(context).isTrue();
            assertThat(crypto.verify(other.publicKey(), message, signature)).as(context + ", wrong key").isFalse();
        }
    }

    /** Rule {@code required_tamperedMessageFails}: changing any byte of the message, or its length, fails. */
    @Test
    public void required_tamperedMessageFails() {
        SigningKey key = key(31);
        byte[] message = bytes(new Random(31), 64);
        byte[] signature = key.sign(message);
        assertThat(crypto.verify(key.publicKey(), message, signature)).isTrue();
        assertEveryByteChangeFails("message", message,
                tampered -> crypto.verify(key.publicKey(), tampered, signature));
        assertThat(crypto.verify(key.publicKey(), Arrays.copyOf(message, 63), signature)).as("truncated").isFalse();
        assertThat(crypto.verify(key.publicKey(), Arrays.copyOf(message, 65), signature)).as("extended").isFalse();
        assertThat(crypto.verify(key.publicKey(), new byte[0], signature)).as("empty").isFalse();
    }

    /** Rule {@code required_tamperedSignatureFails}: changing any byte of the signature fails. */
    @Test
    public void required_tamperedSignatureFails() {
        SigningKey key = key(32);
        byte[] message = "tamper with the signature".getBytes(StandardCharsets.UTF_8);
        byte[] signature = key.sign(message);
        assertThat(crypto.verify(key.publicKey(), message, signature)).isTrue();
        assertEveryByteChangeFails("signature", signature,
                tampered -> crypto.verify(key.publicKey(), message, tampered));
    }

    /**
     * Rule {@code required_garbageSignaturesEveryLength}: for every length 0..128, random bytes, all zeros, all ones
     * and the real signature cut or padded to that length are refused, without an exception.
     */
    @Test
    public void required_garbageSignaturesEveryLength() {
        SigningKey key = key(33);
        byte[] message = "garbage".getBytes(StandardCharsets.UTF_8);
        byte[] real = key.sign(message);
        Random random = new Random(33);
        for (int length = 0; length <= 128; length++) {
            byte[] ones = new byte[length];
            Arrays.fill(ones, (byte) 0xff);
            List<byte[]> candidates =
                    List.of(bytes(random, length), new byte[length], ones, Arrays.copyOf(real, length));
            for (byte[] candidate : candidates) {
                if (!Arrays.equals(candidate, real)) {
                    assertThat(crypto.verify(key.publicKey(), message, candidate))
                            .as("%d-byte signature %s", length, Bytes.hex(candidate)).isFalse();
                }
            }
        }
        assertThat(crypto.verify(key.publicKey(), message, null)).as("null signature").isFalse();
        assertThat(crypto.verify(key.publicKey(), null, real)).as("null message").isFalse();
    }

    /**
     * Rule {@code required_verifyNeverThrows}: random keys (decoded where they decode, foreign implementations of
     * any length otherwise), random messages and random signatures never verify and never throw.
     *
     * @param seed the random seed
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42, 43})
    public void required_verifyNeverThrows(long seed) {
        Random random = new Random(seed);
        SigningKey real = crypto.keyFromSeed(bytes(random, crypto.seedLength()));
        for (int i = 0; i < 300; i++) {
            int keyLength = random.nextBoolean() ? crypto.publicKeyLength() : random.nextInt(80);
            byte[] keyBytes = bytes(random, keyLength);
            PublicKey key = switch (i % 3) {
                case 0 -> crypto.decodePublicKey(keyBytes).orElse(real.publicKey());
                case 1 -> foreignKey(keyBytes);
                default -> real.publicKey();
            };
            byte[] message = bytes(random, random.nextInt(200));
            int sigLength = random.nextBoolean() ? crypto.signatureLength() : random.nextInt(140);
            byte[] signature = bytes(random, sigLength);
            String context = replay("required_verifyNeverThrows", seed) + ", case " + i;
            boolean[] result = new boolean[1];
            assertThatCode(() -> result[0] = crypto.verify(key, message, signature))
                    .as(context).doesNotThrowAnyException();
            assertThat(result[0]).as(context).isFalse();
        }
        PublicKey throwing = () -> {
            throw new IllegalStateException("a broken foreign key");
        };
        assertThat(crypto.verify(throwing, new byte[1], new byte[crypto.signatureLength()]))
                .as("a key whose encoded() throws").isFalse();
    }

    /** Rule {@code required_deterministicSignatures}: one key and one message give one signature, every time. */
    @Test
    public void required_deterministicSignatures() {
        SigningKey key = key(51);
        SigningKey again = provider().create().keyFromSeed(key.seed());
        for (int length : MESSAGE_LENGTHS) {
            byte[] message = bytes(new Random(length), length);
            byte[] first = key.sign(message);
            assertThat(key.sign(message)).as("%d bytes, same key", length).isEqualTo(first);
            assertThat(again.sign(message)).as("%d bytes, key from the same seed", length).isEqualTo(first);
        }
    }

    /**
     * Rule {@code required_parallelUse}: many threads signing, verifying (valid and invalid signatures) and hashing
     * at once get the same answers as one thread, and none hangs.
     *
     * @throws Exception if a worker fails
     */
    @Test
    public void required_parallelUse() throws Exception {
        Random random = new Random(61);
        List<SigningKey> keys = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            keys.add(crypto.keyFromSeed(bytes(random, crypto.seedLength())));
        }
        int cases = 32;
        byte[][] messages = new byte[cases][];
        byte[][] signatures = new byte[cases][];
        byte[][] hashes = new byte[cases][];
        boolean[] valid = new boolean[cases];
        for (int i = 0; i < cases; i++) {
            messages[i] = bytes(random, 1 + random.nextInt(300));
            signatures[i] = keys.get(i % keys.size()).sign(messages[i]);
            hashes[i] = crypto.hash(messages[i]);
            valid[i] = i % 3 != 0;
            if (!valid[i]) {
                signatures[i][random.nextInt(signatures[i].length)] ^= 0x10;
            }
        }
        int threads = threads();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<String> wrong = new ArrayList<>();
                    for (int round = 0; round < 4; round++) {
                        for (int j = 0; j < cases; j++) {
                            int i = (j + offset) % cases;
                            SigningKey key = keys.get(i % keys.size());
                            if (crypto.verify(key.publicKey(), messages[i], signatures[i]) != valid[i]) {
                                wrong.add("verify " + i);
                            }
                            if (valid[i] && !Arrays.equals(key.sign(messages[i]), signatures[i])) {
                                wrong.add("sign " + i);
                            }
                            if (!Arrays.equals(crypto.hash(messages[i]), hashes[i])) {
                                wrong.add("hash " + i);
                            }
                        }
                    }
                    return wrong;
                }));
            }
            start.countDown();
            for (Future<List<String>> result : results) {
                try {
                    assertThat(result.get(HANG_LIMIT_MINUTES, TimeUnit.MINUTES)).as("wrong answers").isEmpty();
                } catch (TimeoutException e) {
                    throw new AssertionError("a worker did not finish in " + HANG_LIMIT_MINUTES
                            + " minutes: a hang", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- required: hashing

    /** Rule {@code required_hashBasics}: fixed length, deterministic, input untouched, no collision among many. */
    @Test
    public void required_hashBasics() {
        Random random = new Random(71);
        Set<String> inputs = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            byte[] data = bytes(random, i % 300);
            byte[] copy = data.clone();
            byte[] hash = crypto.hash(data);
            assertThat(hash).hasSize(crypto.hashLength());
            assertThat(data).as("the input is not changed").isEqualTo(copy);
            assertThat(crypto.hash(copy)).as("deterministic").isEqualTo(hash);
            inputs.add(Bytes.hex(data));
            hashes.add(Bytes.hex(hash));
        }
        assertThat(hashes).as("distinct inputs, distinct hashes").hasSameSizeAs(inputs);
    }

    /** Rule {@code optional_hashKnownAnswers}: the claimed hash gives the published digests. */
    @Test
    public void optional_hashKnownAnswers() {
        String hash = claimedHash();
        assumeTrue(!hash.isEmpty(), "the suite claims no standard hash");
        Map<String, String> vectors = HashVectors.FOR.get(hash);
        assumeTrue(vectors != null, "the kit has no vectors for hash " + hash);
        for (Map.Entry<String, String> vector : vectors.entrySet()) {
            assertThat(Bytes.hex(crypto.hash(HashVectors.input(vector.getKey()))))
                    .as("%s of %s", hash, vector.getKey()).isEqualTo(vector.getValue());
        }
    }

    // ---------------------------------------------------------------- optional: RFC 8032

    /** Rule {@code optional_rfc8032Vectors}: RFC 8032 §7.1 TEST 1, 2, 3, 1024 and SHA(abc), byte for byte. */
    @Test
    public void optional_rfc8032Vectors() {
        assumeTrue(claimsRfc8032Vectors(), "the suite does not claim RFC 8032 Ed25519");
        for (Rfc8032Vectors.Vector v : Rfc8032Vectors.ALL) {
            SigningKey key = crypto.keyFromSeed(v.secretKey());
            assertThat(key.publicKey().encoded()).as(v.name() + " public key").isEqualTo(v.publicKey());
            assertThat(key.sign(v.message())).as(v.name() + " signature").isEqualTo(v.signature());
            PublicKey decoded = crypto.decodePublicKey(v.publicKey()).orElseThrow();
            assertThat(crypto.verify(decoded, v.message(), v.signature())).as(v.name() + " verifies").isTrue();
        }
    }

    /**
     * Rule {@code optional_rfc8032MatchesReference}: keys and signatures for random seeds and messages equal the
     * kit's own reference implementation's.
     *
     * @param seed the random seed
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {81, 82})
    public void optional_rfc8032MatchesReference(long seed) {
        assumeTrue(claimsRfc8032Vectors(), "the suite does not claim RFC 8032 Ed25519");
        Random random = new Random(seed);
        for (int i = 0; i < 3; i++) {
            byte[] secret = bytes(random, 32);
            byte[] message = bytes(random, random.nextInt(100));
            KeyPair reference = Ed25519Reference.keyPair(secret);
            SigningKey key = crypto.keyFromSeed(secret);
            String context = replay("optional_rfc8032MatchesReference", seed) + ", case " + i;
            assertThat(key.publicKey().encoded()).as(context).isEqualTo(reference.publicKey());
            assertThat(key.sign(message)).as(context).isEqualTo(reference.sign(message));
        }
    }

    /** Rule {@code optional_strictNonCanonicalS}: S + L, S + 2L and S with high bits set are refused. */
    @Test
    public void optional_strictNonCanonicalS() {
        assumeStrict();
        SigningKey key = key(91);
        for (int i = 0; i < 8; i++) {
            byte[] message = ("canonical S " + i).getBytes(StandardCharsets.UTF_8);
            byte[] signature = key.sign(message);
            assertThat(crypto.verify(key.publicKey(), message, signature)).as("the canonical signature").isTrue();
            BigInteger s = Ed25519Reference.fromLittleEndian(Arrays.copyOfRange(signature, 32, 64));
            for (BigInteger bad : List.of(s.add(Ed25519Reference.L), s.add(Ed25519Reference.L.shiftLeft(1)),
                    s.add(BigInteger.ONE.shiftLeft(255)), Ed25519Reference.L)) {
                byte[] tampered = signature.clone();
                System.arraycopy(Ed25519Reference.littleEndian(bad, 32), 0, tampered, 32, 32);
                assertThat(crypto.verify(key.publicKey(), message, tampered)).as("S = %s", bad).isFalse();
            }
        }
    }

    /**
     * Rule {@code optional_strictSmallOrderKeys}: the eight small-order points, in all fourteen encodings a lenient
     * decoder would take, do not decode; and handed in as a foreign key with the signatures that forge any message
     * under a weak verifier (R small-order, S = 0), they do not verify.
     */
    @Test
    public void optional_strictSmallOrderKeys() {
        assumeStrict();
        List<byte[]> encodings = Ed25519Reference.smallOrderEncodings();
        assertThat(encodings).as("the kit's small-order encodings").hasSize(14);
        List<byte[]> forgedR = new ArrayList<>();
        for (Point t : Ed25519Reference.torsion()) {
            forgedR.add(t.encode());
        }
        for (byte[] encoding : encodings) {
            String hex = Bytes.hex(encoding);
            assertThat(crypto.decodePublicKey(encoding)).as("small-order key %s", hex).isEmpty();
            PublicKey foreign = foreignKey(encoding);
            for (int m = 0; m < 4; m++) {
                byte[] message = ("forged " + m).getBytes(StandardCharsets.UTF_8);
                for (byte[] r : forgedR) {
                    byte[] signature = Arrays.copyOf(r, 64);
                    assertThat(crypto.verify(foreign, message, signature))
                            .as("key %s, R %s, S 0", hex, Bytes.hex(r)).isFalse();
                }
                byte[] rIsKey = Arrays.copyOf(encoding, 64);
                assertThat(crypto.verify(foreign, message, rIsKey)).as("key %s, R = key, S 0", hex).isFalse();
            }
        }
    }

    /**
     * Rule {@code optional_strictMixedOrderKeys}: a real key plus a small-order point does not decode, and a
     * signature its owner made for that encoding (valid under the cofactored equation) does not verify.
     */
    @Test
    public void optional_strictMixedOrderKeys() {
        assumeStrict();
        byte[] secret = bytes(new Random(92), 32);
        KeyPair owner = Ed25519Reference.keyPair(secret);
        Point a = Ed25519Reference.decode(owner.publicKey());
        List<Point> torsion = Ed25519Reference.torsion();
        for (int i = 1; i < torsion.size(); i++) {
            byte[] mixed = a.add(torsion.get(i)).encode();
            String hex = Bytes.hex(mixed);
            assertThat(crypto.decodePublicKey(mixed)).as("mixed-order key %s", hex).isEmpty();
            byte[] message = ("mixed " + i).getBytes(StandardCharsets.UTF_8);
            BigInteger r = BigInteger.valueOf(1000 + i);
            byte[] signature = owner.signWith(mixed, Ed25519Reference.BASE.times(r).encode(), r, message);
            assertThat(crypto.verify(foreignKey(mixed), message, signature)).as("signature under %s", hex).isFalse();
        }
        assertThat(crypto.decodePublicKey(owner.publicKey())).as("the owner's own key").isPresent();
    }

    /** Rule {@code optional_strictMalformedKeys}: non-canonical encodings (y &ge; p) and points off the curve. */
    @Test
    public void optional_strictMalformedKeys() {
        assumeStrict();
        List<byte[]> nonCanonical = Ed25519Reference.nonCanonicalEncodings();
        assertThat(nonCanonical).as("the kit's non-canonical encodings of curve points").isNotEmpty();
        for (byte[] encoding : nonCanonical) {
            assertThat(crypto.decodePublicKey(encoding)).as("non-canonical %s", Bytes.hex(encoding)).isEmpty();
        }
        for (byte[] encoding : Ed25519Reference.offCurveEncodings(16)) {
            assertThat(crypto.decodePublicKey(encoding)).as("off the curve %s", Bytes.hex(encoding)).isEmpty();
        }
        byte[] allOnes = new byte[32];
        Arrays.fill(allOnes, (byte) 0xff);
        assertThat(crypto.decodePublicKey(allOnes)).as("all ones").isEmpty();
    }

    /**
     * Rule {@code optional_strictNonCanonicalR}: a signature with R = identity and S = k·a is valid under both of
     * RFC 8032's equations; the same signature with R written non-canonically (y + p, or a sign bit on x = 0, with k
     * hashed over those bytes, as a lenient ZIP-215 verifier would accept) is refused.
     */
    @Test
    public void optional_strictNonCanonicalR() {
        assumeStrict();
        byte[] secret = bytes(new Random(93), 32);
        KeyPair owner = Ed25519Reference.keyPair(secret);
        SigningKey key = crypto.keyFromSeed(secret);
        BigInteger one = BigInteger.ONE;
        List<byte[]> identities = List.of(Ed25519Reference.encodeY(one, true),
                Ed25519Reference.encodeY(one.add(Ed25519Reference.P), false),
                Ed25519Reference.encodeY(one.add(Ed25519Reference.P), true));
        for (int m = 0; m < 4; m++) {
            byte[] message = ("non-canonical R " + m).getBytes(StandardCharsets.UTF_8);
            byte[] canonical = owner.signWith(owner.publicKey(), Ed25519Reference.IDENTITY.encode(), BigInteger.ZERO,
                    message);
            assertThat(crypto.verify(key.publicKey(), message, canonical)).as("R = identity, canonical").isTrue();
            for (byte[] r : identities) {
                byte[] signature = owner.signWith(owner.publicKey(), r, BigInteger.ZERO, message);
                assertThat(crypto.verify(key.publicKey(), message, signature))
                        .as("R = identity written %s", Bytes.hex(r)).isFalse();
            }
        }
    }

    /**
     * Rule {@code optional_cofactoredTorsionInR}: signatures whose R is [r]B plus a small-order point of order 2, 4
     * or 8, made by the key's owner, verify: the cofactored equation, so every conforming verifier agrees on them.
     */
    @Test
    public void optional_cofactoredTorsionInR() {
        assumeTrue(claimsRfc8032Vectors() && claimsCofactoredVerification(),
                "the suite does not claim RFC 8032's cofactored equation");
        byte[] secret = bytes(new Random(94), 32);
        KeyPair owner = Ed25519Reference.keyPair(secret);
        SigningKey key = crypto.keyFromSeed(secret);
        List<Point> torsion = Ed25519Reference.torsion();
        for (int i = 1; i < torsion.size(); i++) {
            BigInteger r = BigInteger.valueOf(5000 + i);
            byte[] encodedR = Ed25519Reference.BASE.times(r).add(torsion.get(i)).encode();
            byte[] message = ("torsion " + i).getBytes(StandardCharsets.UTF_8);
            byte[] signature = owner.signWith(owner.publicKey(), encodedR, r, message);
            assertThat(crypto.verify(key.publicKey(), message, signature))
                    .as("R with a point of order %d", torsion.get(i).smallOrder()).isTrue();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Flips low, high and all bits of each byte of {@code original} in turn; every change must fail. */
    private static void assertEveryByteChangeFails(String what, byte[] original, Predicate<byte[]> verifies) {
        for (int i = 0; i < original.length; i++) {
            for (int flip : new int[] {0x01, 0x80, 0xff}) {
                byte[] tampered = original.clone();
                tampered[i] ^= (byte) flip;
                assertThat(verifies.test(tampered)).as("%s byte %d xor 0x%02x", what, i, flip).isFalse();
            }
        }
    }

    private void assumeStrict() {
        assumeTrue(claimsRfc8032Vectors() && claimsStrictVerification(),
                "the suite does not claim strict RFC 8032 verification");
    }

    private SigningKey key(long seed) {
        return crypto.keyFromSeed(bytes(new Random(seed), crypto.seedLength()));
    }

    private String replay(String rule, long seed) {
        return "seed " + seed + "; replay: " + Replay.command(getClass(), rule, Map.of());
    }

    private static byte[] bytes(Random random, int length) {
        byte[] out = new byte[length];
        random.nextBytes(out);
        return out;
    }

    /** A public key from outside the suite, as a confused or hostile caller could pass one in. */
    private static PublicKey foreignKey(byte[] encoding) {
        byte[] copy = encoding.clone();
        return copy::clone;
    }
}
