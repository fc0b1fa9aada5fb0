package dev.bftkit.crypto.bc;

import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.CryptoProvider;

/**
 * The {@code bc} crypto provider: suite {@code ed25519-sha256}, Ed25519 signatures (RFC 8032) on Bouncy Castle's
 * lightweight API ({@code org.bouncycastle.math.ec.rfc8032.Ed25519}) and SHA-256 hashes from the JDK.
 *
 * <h2>Verification rules</h2>
 * A signature {@code R || S} by key {@code A} on message {@code M} is valid exactly when:
 * <ol>
 *   <li>it is 64 bytes long;</li>
 *   <li>{@code A} is a canonical encoding (y &lt; p, no sign bit when x = 0) of a point on the curve in the
 *       prime-order subgroup: the eight small-order points, in every encoding, and mixed-order points
 *       (prime-order point plus a small-order one) are refused, already by {@code decodePublicKey};</li>
 *   <li>{@code R} is a canonical encoding of a point on the curve;</li>
 *   <li>{@code S} is canonical: {@code S < L}, the group order;</li>
 *   <li>the cofactored group equation of RFC 8032 §5.1.7 holds: {@code [8][S]B = [8]R + [8][k]A} with
 *       {@code k = SHA-512(R || A || M) mod L}.</li>
 * </ol>
 * That is RFC 8032 read strictly: every canonicity check it asks for, its own (cofactored) equation, plus the
 * refusal of weak keys. Streamlette's Rust reference verified by ZIP-215, which accepts non-canonical encodings of
 * {@code A} and {@code R} and small-order keys; every signature valid here is valid under ZIP-215, not the other way
 * round. The rules are a function of the bytes alone, so every node, and any other implementation that follows
 * them, reaches the same verdict on a Byzantine signer's crafted signature.
 *
 * <p>Bouncy Castle 1.86 implements rules 3 to 5 in {@code Ed25519.verify}, and rule 2 in
 * {@code Ed25519.validatePublicKeyFullExport}; {@code verify} re-validates a key that another suite decoded, and
 * checks {@code S < L} itself as well, so the rule does not depend on a library version. The conformance kit's
 * {@code CryptoVerification} tests each rule with crafted keys and signatures. One known difference: the JDK's
 * SunEC Ed25519 checks the cofactorless equation {@code [S]B = R + [k]A}, so it refuses signatures whose {@code R}
 * carries a small-order component; only the key's owner can make such a signature, and a committee must not mix
 * verifiers with different rules under one suite name.
 *
 * <h2>Why Bouncy Castle and why SHA-256</h2>
 * Both by JMH measurement on the project's machine (docs/BENCHMARKS.md, section crypto-bc): on JDK 17 Bouncy
 * Castle's Ed25519 signs 15–19 times and verifies 8–9 times faster than the JDK's SunEC, which also validates less
 * (it accepts small-order keys), so Bouncy Castle does every operation. For the hash, the JDK's SHA-256 runs on the
 * CPU's SHA extensions through HotSpot intrinsics and is 4–6 times faster than Bouncy Castle's pure-Java
 * BLAKE2b-256 and BLAKE3 on both 32-byte and 1 KiB inputs: so SHA-256, from the JDK.
 *
 * <h2>Decoded keys</h2>
 * Validating a key (rule 2, a full subgroup check) costs about as much as a verification, and a node meets the same
 * few keys, its committee's, in every instance, proof and handshake: every suite instance in the process shares one
 * bounded cache of the keys that validated ({@code DecodedKeys}, at most 1,024), so each is validated once. A key
 * that failed is never kept, and the verdict from the cache is the one a fresh decode gives.
 *
 * <p>Keys come from a 32-byte seed (RFC 8032's private key, so {@code keyFromSeed} is deterministic) or from a
 * {@code SecureRandom}. {@code verify} never throws: a malformed key, signature or length is simply invalid.
 */
public final class BcCryptoProvider implements CryptoProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public BcCryptoProvider() {
    }

    @Override
    public String name() {
        return "bc";
    }

    @Override
    public Crypto create() {
        return new Ed25519Sha256();
    }
}
