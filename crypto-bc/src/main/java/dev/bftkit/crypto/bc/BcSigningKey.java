package dev.bftkit.crypto.bc;

import dev.bftkit.api.spi.PublicKey;
import dev.bftkit.api.spi.SigningKey;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An Ed25519 private key. It keeps the RFC 8032 expanded key (SHA-512 of the seed, pruned) so that signing does not
 * hash the seed again; everything is read-only after construction, so it is thread-safe.
 */
final class BcSigningKey implements SigningKey {
    private final byte[] seed;
    private final byte[] expanded = new byte[Ed25519.ExpandedKey.EXPANDED_KEY_SIZE];
    private final byte[] publicEncoding = new byte[Ed25519.PUBLIC_KEY_SIZE];
    private final BcPublicKey publicKey;

    BcSigningKey(byte[] seed) {
        this.seed = seed.clone();
        Ed25519.ExpandedKey.expandPrivateKey(this.seed, 0, expanded, 0);
        Ed25519.PublicPoint point = Ed25519.ExpandedKey.generatePublicKey(expanded, 0);
        Ed25519.encodePublicPoint(point, publicEncoding, 0);
        this.publicKey = new BcPublicKey(publicEncoding.clone(), point);
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] message) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.ExpandedKey.sign(expanded, 0, publicEncoding, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    @Override
    public byte[] seed() {
        return seed.clone();
    }

    @Override
    public String toString() {
        return "signing key of " + publicKey;
    }
}
