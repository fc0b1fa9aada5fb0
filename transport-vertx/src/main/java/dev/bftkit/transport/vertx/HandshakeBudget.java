package dev.bftkit.transport.vertx;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many handshake signatures one source address may make us verify: a token bucket per address, holding at most
 * {@code burst} verifications and refilled at {@link #PER_SECOND} a second. A caller needs no key to make us verify
 * its HELLO, so without this bound one address could keep a core busy. Runs on the loop only.
 *
 * <p>At most {@link #MAX_SOURCES} addresses are remembered (the longest unused is forgotten first, and so gets a
 * full bucket back): the memory is bounded, whatever the number of addresses an attacker has.
 */
final class HandshakeBudget {
    /** Verifications an address gets back per second. */
    static final double PER_SECOND = 16;
    /** The fewest verifications an address may make in a burst; a committee allows twice its peers if more. */
    static final int MIN_BURST = 64;
    static final int MAX_SOURCES = 4096;

    private final double burst;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_SOURCES;
        }
    };

    /** @param peers how many peers the committee has */
    HandshakeBudget(int peers) {
        this.burst = Math.max(MIN_BURST, 2 * peers);
    }

    /**
     * Takes one verification from the address's bucket.
     *
     * @param source the address
     * @param nowNanos {@link System#nanoTime()}
     * @return false if the address has none left
     */
    boolean take(String source, long nowNanos) {
        double[] bucket = buckets.computeIfAbsent(source, s -> new double[] {burst, nowNanos});
        double tokens = Math.min(burst, bucket[0] + (nowNanos - (long) bucket[1]) * PER_SECOND / 1e9);
        bucket[1] = nowNanos;
        if (tokens < 1) {
            bucket[0] = tokens;
            return false;
        }
        bucket[0] = tokens - 1;
        return true;
    }
}
