package dev.bftkit.crypto.bc;

import dev.bftkit.api.spi.EncodedPublicKey;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** A validated Ed25519 public key: its canonical encoding and the decoded point, decoded once. */
final class BcPublicKey extends EncodedPublicKey {
    final Ed25519.PublicPoint point;

    BcPublicKey(byte[] encoded, Ed25519.PublicPoint point) {
        super("ed25519", encoded);
        this.point = point;
    }
}
