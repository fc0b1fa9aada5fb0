package dev.bftkit.api.spi;

/**
 * How much state a {@link Decider} retains: a count of entries (messages, votes, events, whatever the algorithm keeps
 * per item) and their bytes. A Decider reports what it holds with {@link Decider#footprint()} and the most its
 * limits let it hold with {@link Decider#footprintBound()}; the conformance kit checks after every input, whatever
 * Byzantine peers send, that the first never exceeds the second.
 *
 * @param entries the number of retained items, at least 0
 * @param bytes their size in bytes (their encodings; per-object overhead is not counted), at least 0
 */
public record Footprint(long entries, long bytes) {
    /** Nothing retained. */
    public static final Footprint NONE = new Footprint(0, 0);

    /**
     * Validates.
     *
     * @param entries the number of retained items, at least 0
     * @param bytes their size in bytes, at least 0
     * @throws IllegalArgumentException if either is negative
     */
    public Footprint {
        if (entries < 0 || bytes < 0) {
            throw new IllegalArgumentException("a footprint cannot be negative: " + entries + " entries, "
                    + bytes + " bytes");
        }
    }

    /**
     * {@return true if this footprint is within {@code bound} in both entries and bytes}
     *
     * @param bound the most allowed
     */
    public boolean within(Footprint bound) {
        return entries <= bound.entries && bytes <= bound.bytes;
    }

    /**
     * {@return the sum of this footprint and {@code other}, saturating at {@link Long#MAX_VALUE}}
     *
     * @param other another footprint
     */
    public Footprint plus(Footprint other) {
        return new Footprint(saturatedAdd(entries, other.entries), saturatedAdd(bytes, other.bytes));
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    @Override
    public String toString() {
        return entries + " entries, " + bytes + " bytes";
    }
}
