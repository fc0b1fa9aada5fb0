package dev.bftkit.api.spi;

import dev.bftkit.api.Bytes;
import java.util.Arrays;

/**
 * A convenient base for {@link PublicKey} implementations whose identity is their encoding: {@code equals} and
 * {@code hashCode} compare the encoding (between keys of the same class), {@code encoded()} hands out copies, and
 * {@code toString} prints the scheme and the encoding in hex. A provider subclasses it and adds what it decoded
 * (a curve point, a JDK key) as its own fields.
 */
public abstract class EncodedPublicKey implements PublicKey {
    private final String scheme;
    private final byte[] encoded;

    /**
     * For subclasses, once they have validated the encoding.
     *
     * @param scheme a short name printed before the hex encoding, such as {@code "ed25519"}
     * @param encoded the validated encoding; copied
     */
    protected EncodedPublicKey(String scheme, byte[] encoded) {
        this.scheme = scheme;
        this.encoded = encoded.clone();
    }

    @Override
    public final byte[] encoded() {
        return encoded.clone();
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof EncodedPublicKey other && other.getClass() == getClass()
                && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return scheme + ":" + Bytes.hex(encoded);
    }
}
