package dev.bftkit.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Names one consensus instance. It is inside every signed message (so a signature cannot be replayed into another
 * instance), it prefixes the instance's keys in Storage, and it is the Transport channel its gossip travels on.
 */
public final class InstanceId implements Comparable<InstanceId> {
    /** The longest accepted id, in bytes. */
    public static final int MAX_LENGTH = 64;

    private final byte[] bytes;
    private final int hash;

    private InstanceId(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * {@return the instance id made of these bytes}
     *
     * @param bytes 1 to {@value #MAX_LENGTH} bytes; copied
     * @throws IllegalArgumentException if the length is out of range
     */
    public static InstanceId of(byte[] bytes) {
        if (bytes.length == 0 || bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException("instance id must be 1.." + MAX_LENGTH + " bytes, got " + bytes.length);
        }
        return new InstanceId(bytes.clone());
    }

    /**
     * {@return the instance id made of {@code name}'s UTF-8 bytes}
     *
     * @param name a readable name, encoded as UTF-8
     * @throws IllegalArgumentException if {@code name} is empty or longer than {@value #MAX_LENGTH} bytes in UTF-8
     */
    public static InstanceId of(String name) {
        return of(name.getBytes(StandardCharsets.UTF_8));
    }

    /** {@return a copy of the id's bytes} */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public int compareTo(InstanceId other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** @return the UTF-8 text if the bytes are printable ASCII, else {@code 0x} and hex */
    @Override
    public String toString() {
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7e) {
                return "0x" + Bytes.hex(bytes);
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
