package dev.bftkit.api.codec;

import dev.bftkit.api.InvalidMessageException;
import dev.bftkit.api.InvalidMessageException.Reason;

/**
 * Reads bftkit's canonical encoding (see {@link Encoder}) from untrusted bytes. Every read is bounds-checked; a
 * length over its stated maximum is {@link Reason#TOO_LARGE}, bytes that end early are {@link Reason#MALFORMED},
 * a boolean other than 0 or 1 is malformed (one encoding per value), and {@link #finish()} rejects trailing bytes.
 * Every failure is an {@link InvalidMessageException}; nothing is allocated before its length is checked against
 * the bytes actually present. Not thread-safe.
 */
public final class Decoder {
    private final byte[] buf;
    private int pos;
    private int kind = -1;

    /**
     * A decoder that reads {@code bytes} from the start, for a value without a message header ({@link #message} reads
     * one).
     *
     * @param bytes the bytes to read; not copied, and must not change while reading
     */
    public Decoder(byte[] bytes) {
        this.buf = bytes;
    }

    /**
     * Opens a message: checks the version byte and reads the kind byte.
     *
     * @param bytes the message
     * @param version the only version this reader accepts
     * @return the decoder, positioned after the header; the kind is in {@link #kind()}
     * @throws InvalidMessageException if empty or of another version
     */
    public static Decoder message(byte[] bytes, int version) {
        Decoder d = new Decoder(bytes);
        int v = d.u8();
        if (v != version) {
            throw new InvalidMessageException(Reason.UNSUPPORTED_VERSION,
                    "version " + v + " is not supported (this reader takes " + version + ")");
        }
        d.kind = d.u8();
        return d;
    }

    /** {@return the message kind read by {@link #message}, or -1} */
    public int kind() {
        return kind;
    }

    /**
     * {@return an {@link InvalidMessageException} with reason {@link Reason#UNKNOWN_KIND} that names the kind byte
     * {@link #message} read, for the caller to throw}
     *
     * @param what what was expected, for the message
     */
    public InvalidMessageException unknownKind(String what) {
        return new InvalidMessageException(Reason.UNKNOWN_KIND, "unknown " + what + " kind " + kind);
    }

    private void need(int n, String what) {
        if (buf.length - pos < n) {
            throw new InvalidMessageException(Reason.MALFORMED,
                    "message ends inside " + what + " at byte " + pos + " of " + buf.length);
        }
    }

    /** {@return the next byte, 0..255} */
    public int u8() {
        need(1, "a u8");
        return buf[pos++] & 0xff;
    }

    /** {@return the next 2 bytes, 0..65535} */
    public int u16() {
        need(2, "a u16");
        int v = (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    /** {@return the next 4 bytes as a signed int} */
    public int i32() {
        need(4, "an i32");
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8
                | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    /**
     * Reads a non-negative 4-byte count or length and checks it against a maximum.
     *
     * @param max the largest acceptable value
     * @return the value
     */
    public int u32(long max) {
        long v = i32() & 0xffffffffL;
        if (v > max) {
            throw new InvalidMessageException(Reason.TOO_LARGE, "value " + v + " exceeds the limit " + max);
        }
        return (int) v;
    }

    /** {@return the next 8 bytes as a signed long} */
    public long i64() {
        need(8, "an i64");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    /**
     * Reads a non-negative long.
     *
     * @param what the field's name, for the message
     * @return the value
     */
    public long nonNegative(String what) {
        long v = i64();
        if (v < 0) {
            throw new InvalidMessageException(Reason.MALFORMED, what + " must not be negative: " + v);
        }
        return v;
    }

    /** {@return the next byte as a boolean, which must be 0 or 1} */
    public boolean bool() {
        int v = u8();
        if (v > 1) {
            throw new InvalidMessageException(Reason.MALFORMED, "boolean byte must be 0 or 1, got " + v);
        }
        return v == 1;
    }

    /**
     * Reads a length-prefixed byte string.
     *
     * @param max its largest acceptable length
     * @return the bytes
     */
    public byte[] bytes(int max) {
        int n = u32(max);
        return raw(n);
    }

    /**
     * Reads a fixed number of bytes.
     *
     * @param n how many
     * @return the bytes
     */
    public byte[] raw(int n) {
        need(n, n + " bytes");
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /**
     * Reads a list's element count, checking it against a maximum and against the bytes left, given that each
     * element takes at least {@code minElementBytes}.
     *
     * @param max the most elements accepted
     * @param minElementBytes the least encoded size of one element, at least 1
     * @return the count
     */
    public int count(int max, int minElementBytes) {
        int n = u32(max);
        if ((long) n * Math.max(1, minElementBytes) > remaining()) {
            throw new InvalidMessageException(Reason.MALFORMED,
                    "count " + n + " cannot fit in the " + remaining() + " bytes left");
        }
        return n;
    }

    /** {@return the number of bytes not yet read} */
    public int remaining() {
        return buf.length - pos;
    }

    /** {@return the read position} */
    public int position() {
        return pos;
    }

    /** Checks that every byte was read. */
    public void finish() {
        if (pos != buf.length) {
            throw new InvalidMessageException(Reason.TRAILING_BYTES,
                    (buf.length - pos) + " unread bytes after a complete message");
        }
    }
}
