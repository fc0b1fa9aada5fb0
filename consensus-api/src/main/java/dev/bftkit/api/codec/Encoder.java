package dev.bftkit.api.codec;

import java.util.Arrays;

/**
 * Writes bftkit's canonical encoding: big-endian fixed-width integers, booleans as one byte 0 or 1, byte strings
 * with a 4-byte length prefix, fixed-size byte arrays raw. A message starts with a version byte and a kind byte
 * ({@link #message}). Every value has exactly one encoding, so hashes and signatures over it are stable across
 * nodes and versions. Not thread-safe.
 */
public final class Encoder {
    private byte[] buf;
    private int size;

    /** An empty encoder. */
    public Encoder() {
        this(64);
    }

    /**
     * An empty encoder with room for {@code capacity} bytes (at least 16) before its buffer grows.
     *
     * @param capacity the initial buffer size, in bytes; a hint, not a limit
     */
    public Encoder(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /**
     * An encoder that has written the version and kind header of a message.
     *
     * @param version the format version, 0..255
     * @param kind the message kind, 0..255
     * @return the encoder
     */
    public static Encoder message(int version, int kind) {
        return new Encoder().u8(version).u8(kind);
    }

    private void ensure(int more) {
        if (buf.length - size < more) {
            int want = Math.max(buf.length * 2, Math.addExact(size, more));
            buf = Arrays.copyOf(buf, want);
        }
    }

    /**
     * Writes an unsigned byte.
     *
     * @param v 0..255
     * @return this encoder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Encoder u8(int v) {
        if (v < 0 || v > 0xff) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    /**
     * Writes an unsigned 16-bit value as 2 bytes, big-endian.
     *
     * @param v 0..65535
     * @return this encoder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Encoder u16(int v) {
        if (v < 0 || v > 0xffff) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        ensure(2);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    /**
     * Writes a signed 32-bit value as 4 bytes, big-endian.
     *
     * @param v any int, written as 4 bytes (read back with {@link Decoder#i32()} or, if non-negative,
     *     {@link Decoder#u32(long)})
     * @return this encoder
     */
    public Encoder i32(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
        return this;
    }

    /**
     * Writes a signed 64-bit value as 8 bytes, big-endian.
     *
     * @param v any long, written as 8 bytes
     * @return this encoder
     */
    public Encoder i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (v >>> shift);
        }
        return this;
    }

    /**
     * Writes a boolean as one byte: 1 for true, 0 for false.
     *
     * @param v the flag
     * @return this encoder
     */
    public Encoder bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    /**
     * Writes a byte string with its 4-byte length.
     *
     * @param bytes the bytes
     * @return this
     */
    public Encoder bytes(byte[] bytes) {
        i32(bytes.length);
        return raw(bytes);
    }

    /**
     * Writes bytes with no length (for fixed-size fields such as hashes, whose size the reader knows).
     *
     * @param bytes the bytes
     * @return this
     */
    public Encoder raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** {@return the number of bytes written} */
    public int size() {
        return size;
    }

    /** {@return a copy of the bytes written} */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
