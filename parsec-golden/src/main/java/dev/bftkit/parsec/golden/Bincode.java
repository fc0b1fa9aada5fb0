package dev.bftkit.parsec.golden;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The subset of Rust's bincode 1.x encoding the reference uses for observation hashes: little-endian integers,
 * {@code u32} enum tags, {@code u64} length prefixes, raw fixed-size arrays. Not thread-safe.
 */
final class Bincode {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** An empty encoder. */
    Bincode() {
    }

    /**
     * @param v a value written as 4 little-endian bytes (enum tags)
     * @return this
     */
    Bincode u32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
        return this;
    }

    /**
     * @param v a value written as 8 little-endian bytes (lengths)
     * @return this
     */
    Bincode u64(long v) {
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
        return this;
    }

    /**
     * @param bytes written with no length (fixed-size arrays)
     * @return this
     */
    Bincode raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /**
     * @param bytes a {@code Vec<u8>}: u64 length, then the bytes
     * @return this
     */
    Bincode bytes(byte[] bytes) {
        return u64(bytes.length).raw(bytes);
    }

    /**
     * @param s a {@code String}: u64 length of its UTF-8, then the UTF-8
     * @return this
     */
    Bincode string(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the bytes written */
    byte[] toByteArray() {
        return out.toByteArray();
    }

    /**
     * @param data bytes
     * @return their SHA3-256 digest (the JDK's {@code SHA3-256})
     */
    static byte[] sha3(byte[] data) {
        return SHA3.get().digest(data);
    }

    private static final ThreadLocal<MessageDigest> SHA3 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA3-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA3-256", e);
        }
    });
}
