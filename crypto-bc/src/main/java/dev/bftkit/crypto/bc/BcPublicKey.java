package dev.bftkit.crypto.bc;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.spi.PublicKey;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** A validated Ed25519 public key: its canonical encoding and the decoded point, decoded once. */
final class BcPublicKey implements PublicKey {
    private final byte[] encoded;
    final Ed25519.PublicPoint point;

    BcPublicKey(byte[] encoded, Ed25519.PublicPoint point) {
        this.encoded = encoded;
        this.point = point;
    }

    @Override
    public byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BcPublicKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "ed25519:" + Bytes.hex(encoded);
    }
}
