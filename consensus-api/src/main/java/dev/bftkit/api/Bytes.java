package dev.bftkit.api;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Small helpers for byte arrays as values: unsigned lexicographic order and hex, used wherever bftkit sorts keys,
 * hashes or node ids (Java's {@code byte} is signed, the protocols' order is not).
 */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of();

    private Bytes() {
    }

    /**
     * Compares two arrays as unsigned bytes, lexicographically; a proper prefix sorts first.
     *
     * @param a the first array
     * @param b the second array
     * @return negative, zero or positive as {@code a} sorts before, equal to or after {@code b}
     */
    public static int compareUnsigned(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * Lower-case hex of the bytes.
     *
     * @param bytes the bytes
     * @return their hex form
     */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /**
     * Parses lower- or upper-case hex.
     *
     * @param hex an even number of hex digits
     * @return the bytes
     * @throws IllegalArgumentException if the text is not hex
     */
    public static byte[] fromHex(String hex) {
        return HEX.parseHex(hex);
    }

    /**
     * Whether {@code bytes} begins with {@code prefix}.
     *
     * @param bytes the array to test
     * @param prefix the prefix
     * @return true if every byte of the prefix matches
     */
    public static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The concatenation of the arrays.
     *
     * @param parts the arrays, in order
     * @return a new array holding all of them
     */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length = Math.addExact(length, p.length);
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
