package dev.bftkit.streamlette;

import java.util.Arrays;

/** A content hash used as a map key: compares as unsigned bytes, so every node iterates in the same order. */
final class Key implements Comparable<Key> {
    private final byte[] bytes;
    private final int hash;

    Key(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public int compareTo(Key o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key k && hash == k.hash && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return dev.bftkit.api.Bytes.hex(bytes).substring(0, Math.min(8, bytes.length * 2));
    }
}
