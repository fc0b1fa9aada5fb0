package dev.bftkit.conformance.junit;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A slow, plain Ed25519 (RFC 8032) on {@link BigInteger}, for the crypto verification only: it crafts the keys and
 * signatures a real implementation must refuse or accept (small-order and mixed-order points, non-canonical
 * encodings, torsion in R) and is checked itself against the RFC's test vectors in the kit's own tests. It is not
 * constant-time and not fast; nothing outside tests may sign with it.
 */
public final class Ed25519Reference {
    /** The field prime p = 2^255 - 19. */
    public static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    /** The prime order L of the base point. */
    public static final BigInteger L =
            BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));
    private static final BigInteger D =
            BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
    private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    /** The neutral element (0, 1). */
    public static final Point IDENTITY = new Point(BigInteger.ZERO, BigInteger.ONE);
    /** The base point B of RFC 8032. */
    public static final Point BASE = decode(encodeY(BigInteger.valueOf(4).multiply(BigInteger.valueOf(5).modInverse(P))
            .mod(P), false));

    private Ed25519Reference() {
    }

    /**
     * An affine point of the curve -x^2 + y^2 = 1 + d x^2 y^2.
     *
     * @param x the x coordinate, reduced mod p
     * @param y the y coordinate, reduced mod p
     */
    public record Point(BigInteger x, BigInteger y) {
        /**
         * {@return the sum of this point and {@code other} on the curve}
         *
         * @param other another point
         */
        public Point add(Point other) {
            BigInteger xy = x.multiply(other.y).add(y.multiply(other.x));
            BigInteger yy = y.multiply(other.y).add(x.multiply(other.x));
            BigInteger t = D.multiply(x).multiply(other.x).mod(P).multiply(y).multiply(other.y).mod(P);
            return new Point(xy.multiply(BigInteger.ONE.add(t).modInverse(P)).mod(P),
                    yy.multiply(BigInteger.ONE.subtract(t).mod(P).modInverse(P)).mod(P));
        }

        /**
         * {@return [k] this point: this point added to itself {@code k} times (the identity for 0)}
         *
         * @param k a non-negative scalar
         */
        public Point times(BigInteger k) {
            Point r = IDENTITY;
            for (int i = k.bitLength() - 1; i >= 0; i--) {
                r = r.add(r);
                if (k.testBit(i)) {
                    r = r.add(this);
                }
            }
            return r;
        }

        /** {@return the canonical 32-byte encoding} */
        public byte[] encode() {
            return encodeY(y, x.testBit(0));
        }

        /** {@return the smallest n &gt; 0 with [n] this = identity, if it divides 8; 0 otherwise} */
        public int smallOrder() {
            Point r = this;
            for (int n = 1; n <= 8; n++) {
                if (r.equals(IDENTITY)) {
                    return 8 % n == 0 ? n : 0;
                }
                r = r.add(this);
            }
            return 0;
        }
    }

    /**
     * Encodes a y value as given, without reducing it: with {@code y >= p} this makes non-canonical encodings.
     *
     * @param y below 2^255
     * @param sign the sign bit (the parity of x)
     * @return 32 bytes, little-endian, sign in the top bit
     */
    public static byte[] encodeY(BigInteger y, boolean sign) {
        byte[] out = littleEndian(y, 32);
        if (sign) {
            out[31] |= (byte) 0x80;
        }
        return out;
    }

    /**
     * Decodes leniently: y is reduced mod p and the sign bit is taken as given (a set sign bit on x = 0 is ignored),
     * like ZIP-215. For crafting only.
     *
     * @param encoded 32 bytes
     * @return the point, or null if y gives no point on the curve
     */
    public static Point decode(byte[] encoded) {
        byte[] b = encoded.clone();
        boolean sign = (b[31] & 0x80) != 0;
        b[31] &= 0x7f;
        BigInteger y = fromLittleEndian(b).mod(P);
        BigInteger x = recoverX(y);
        if (x == null) {
            return null;
        }
        if (x.testBit(0) != sign && x.signum() != 0) {
            x = P.subtract(x);
        }
        return new Point(x, y);
    }

    /**
     * {@return an x with (x, {@code y}) on the curve, or null if there is none}
     *
     * @param y a y coordinate, reduced mod p
     */
    public static BigInteger recoverX(BigInteger y) {
        BigInteger u = y.multiply(y).subtract(BigInteger.ONE).mod(P);
        BigInteger v = D.multiply(y).multiply(y).add(BigInteger.ONE).mod(P);
        BigInteger x2 = u.multiply(v.modInverse(P)).mod(P);
        BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
            x = x.multiply(SQRT_M1).mod(P);
        }
        return x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO) ? x : null;
    }

    /** {@return the eight points of order dividing 8, identity first, then [1..7] of an order-8 generator} */
    public static List<Point> torsion() {
        Point generator = null;
        for (int y = 2; generator == null; y++) {
            BigInteger x = recoverX(BigInteger.valueOf(y));
            if (x != null) {
                Point t = new Point(x, BigInteger.valueOf(y)).times(L);
                if (t.smallOrder() == 8) {
                    generator = t;
                }
            }
        }
        List<Point> out = new ArrayList<>();
        Point t = IDENTITY;
        for (int i = 0; i < 8; i++) {
            out.add(t);
            t = t.add(generator);
        }
        return out;
    }

    /**
     * Every 32-byte encoding that a lenient decoder maps to a small-order point: the canonical ones, the sign bit set
     * on x = 0, and y + p where it still fits in 255 bits.
     *
     * @return the encodings, canonical ones first
     */
    public static List<byte[]> smallOrderEncodings() {
        List<byte[]> canonical = new ArrayList<>();
        List<byte[]> other = new ArrayList<>();
        for (Point t : torsion()) {
            canonical.add(t.encode());
            boolean xZero = t.x().signum() == 0;
            if (xZero) {
                other.add(encodeY(t.y(), true));
            }
            BigInteger shifted = t.y().add(P);
            if (shifted.bitLength() <= 255) {
                other.add(encodeY(shifted, t.x().testBit(0)));
                if (xZero) {
                    other.add(encodeY(shifted, true));
                }
            }
        }
        canonical.addAll(other);
        return canonical;
    }

    /**
     * {@return encodings of the first {@code count} y values from 2 up for which no x exists, so not on the curve (the
     * sign bit set for odd y)}
     *
     * @param count how many
     */
    public static List<byte[]> offCurveEncodings(int count) {
        List<byte[]> out = new ArrayList<>();
        for (int y = 2; out.size() < count; y++) {
            if (recoverX(BigInteger.valueOf(y)) == null) {
                out.add(encodeY(BigInteger.valueOf(y), (y & 1) == 1));
            }
        }
        return out;
    }

    /** {@return encodings y + p (y = 2..18) of curve points that are not of small order: non-canonical} */
    public static List<byte[]> nonCanonicalEncodings() {
        List<byte[]> out = new ArrayList<>();
        for (int y = 2; y < 19; y++) {
            BigInteger x = recoverX(BigInteger.valueOf(y));
            if (x != null) {
                out.add(encodeY(BigInteger.valueOf(y).add(P), x.testBit(0)));
            }
        }
        return out;
    }

    /**
     * An Ed25519 key pair from an RFC 8032 private key (the seed).
     *
     * @param seed 32 bytes
     * @return the key
     */
    public static KeyPair keyPair(byte[] seed) {
        byte[] h = sha512(seed);
        byte[] s = Arrays.copyOf(h, 32);
        s[0] &= (byte) 248;
        s[31] &= 127;
        s[31] |= 64;
        BigInteger a = fromLittleEndian(s);
        return new KeyPair(a, Arrays.copyOfRange(h, 32, 64), BASE.times(a).encode());
    }

    /**
     * A key pair.
     *
     * @param scalar the secret scalar a
     * @param prefix the second half of SHA-512(seed), which RFC 8032 hashes into the nonce
     * @param publicKey the canonical encoding of [a]B
     */
    public record KeyPair(BigInteger scalar, byte[] prefix, byte[] publicKey) {
        /**
         * Signs as RFC 8032 does.
         *
         * @param message the message
         * @return R || S
         */
        public byte[] sign(byte[] message) {
            BigInteger r = fromLittleEndian(sha512(prefix, message)).mod(L);
            return signWith(publicKey, BASE.times(r).encode(), r, message);
        }

        /**
         * Signs with a chosen nonce point encoding: S = r + k·a with k = SHA-512(encodedR || key || M). The result
         * satisfies the cofactored equation whenever {@code encodedR} decodes to [r]B plus a small-order point.
         *
         * @param key the public-key bytes hashed into k (normally {@link #publicKey()})
         * @param encodedR the R bytes, canonical or not
         * @param r the nonce scalar
         * @param message the message
         * @return R || S
         */
        public byte[] signWith(byte[] key, byte[] encodedR, BigInteger r, byte[] message) {
            BigInteger k = fromLittleEndian(sha512(encodedR, key, message)).mod(L);
            BigInteger s = r.add(k.multiply(scalar)).mod(L);
            byte[] out = Arrays.copyOf(encodedR, 64);
            System.arraycopy(littleEndian(s, 32), 0, out, 32, 32);
            return out;
        }
    }

    /**
     * {@return {@code v} as {@code length} little-endian bytes}
     *
     * @param v a non-negative value below 2^(8 * length)
     * @param length bytes
     */
    public static byte[] littleEndian(BigInteger v, int length) {
        byte[] big = v.toByteArray();
        byte[] out = new byte[length];
        for (int i = 0; i < length && i < big.length; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    /**
     * {@return the unsigned value of {@code bytes}, read little-endian}
     *
     * @param bytes little-endian bytes
     */
    public static BigInteger fromLittleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            big[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, big);
    }

    private static byte[] sha512(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            for (byte[] part : parts) {
                md.update(part);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-512", e);
        }
    }
}
