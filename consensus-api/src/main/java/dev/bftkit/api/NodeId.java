package dev.bftkit.api;

import java.util.Arrays;

/**
 * A committee member's identity: the encoding of its public signing key. Node ids compare as unsigned bytes, so
 * every node iterates a committee in the same order.
 */
public final class NodeId implements Comparable<NodeId> {
    /** The longest accepted encoding, in bytes. */
    public static final int MAX_LENGTH = 64;

    private final byte[] bytes;
    private final int hash;

    private NodeId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * A node id from the bytes of a public key encoding.
     *
     * @param publicKey 1 to {@value #MAX_LENGTH} bytes; copied
     * @return the id
     * @throws IllegalArgumentException if the length is out of range
     */
    public static NodeId of(byte[] publicKey) {
        if (publicKey.length == 0 || publicKey.length > MAX_LENGTH) {
            throw new IllegalArgumentException("node id must be 1.." + MAX_LENGTH + " bytes, got " + publicKey.length);
        }
        return new NodeId(publicKey.clone());
    }

    /**
     * Parses the hex form written by {@link #toHex()}.
     *
     * @param hex the hex digits
     * @return the id
     */
    public static NodeId fromHex(String hex) {
        return of(Bytes.fromHex(hex));
    }

    /** {@return a copy of the public key encoding} */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@return the number of bytes in the encoding} */
    public int length() {
        return bytes.length;
    }

    /** {@return the full hex form} */
    public String toHex() {
        return Bytes.hex(bytes);
    }

    @Override
    public int compareTo(NodeId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** @return the first 8 hex digits, enough to tell committee members apart in logs */
    @Override
    public String toString() {
        String hex = toHex();
        return hex.length() <= 8 ? hex : hex.substring(0, 8);
    }
}
