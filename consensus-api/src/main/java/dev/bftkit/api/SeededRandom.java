package dev.bftkit.api;

/**
 * A seeded pseudo-random stream (SplitMix64, by Steele, Lea and Flood) whose output is fixed by this code rather
 * than by a JDK version, for everything that must replay identically from a seed on every node and machine:
 * leader schedules, gossip peer choice, the simulator's network. Not for secrets. Not thread-safe.
 */
public final class SeededRandom {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;
    private long state;

    /**
     * Starts a stream. Equal seeds give equal streams, on every JDK and machine.
     *
     * @param seed the seed; any value, zero included
     */
    public SeededRandom(long seed) {
        this.state = seed;
    }

    /**
     * The SplitMix64 finalizer: a bijective 64-bit mix.
     *
     * @param z any value
     * @return its mix
     */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Folds bytes into a 64-bit seed.
     *
     * @param bytes any bytes
     * @return a seed that depends on every byte and their order
     */
    public static long seedOf(byte[] bytes) {
        long h = 0x243f6a8885a308d3L ^ bytes.length;
        for (byte b : bytes) {
            h = mix(h ^ (b & 0xff)) + GOLDEN;
        }
        return mix(h);
    }

    /** {@return the next 64 random bits} */
    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    /**
     * {@return the next value of the stream, uniform in {@code [0, bound)} and without modulo bias}
     *
     * @param bound the exclusive upper bound, positive
     * @throws IllegalArgumentException if {@code bound} is not positive
     */
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        int bits = 64 - Long.numberOfLeadingZeros(bound - 1);
        if (bits == 0) {
            return 0;
        }
        while (true) {
            long v = nextLong() >>> (64 - bits);
            if (v < bound) {
                return v;
            }
        }
    }

    /**
     * {@return the next value of the stream, uniform in {@code [0, bound)}}
     *
     * @param bound the exclusive upper bound, positive
     * @throws IllegalArgumentException if {@code bound} is not positive
     */
    public int nextInt(int bound) {
        return (int) nextLong(bound);
    }

    /** {@return a uniform double in {@code [0, 1)}} */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * {@return true with probability {@code p}; draws from the stream only if {@code p} is positive}
     *
     * @param p a probability
     */
    public boolean chance(double p) {
        return p > 0 && nextDouble() < p;
    }

    /**
     * Fills an array with random bytes.
     *
     * @param out the array
     */
    public void nextBytes(byte[] out) {
        for (int i = 0; i < out.length; i += 8) {
            long v = nextLong();
            for (int j = 0; j < 8 && i + j < out.length; j++) {
                out[i + j] = (byte) (v >>> (8 * j));
            }
        }
    }

    /**
     * Shuffles a list in place (Fisher–Yates).
     *
     * @param list the list
     * @param <T> the element type
     */
    public <T> void shuffle(java.util.List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
