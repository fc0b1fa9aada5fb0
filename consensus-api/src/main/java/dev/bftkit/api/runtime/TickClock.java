package dev.bftkit.api.runtime;

import java.time.Duration;

/**
 * The gradually slowing clock that drives a Decider: logical tick {@code k} lasts {@code start × growth^k}, capped
 * at {@code max}, split evenly into the Decider's phases. Streamlette's reference uses 1 s × 1.05. Growth is what
 * makes a run live under any fixed network delay: the ticks eventually outlast it.
 *
 * <p>A pure calculation (no time is read), so the schedule itself can be tested.
 *
 * @param start the first tick's length
 * @param growth the factor each tick's length grows by, at least 1
 * @param max the longest a tick may last
 */
public record TickClock(Duration start, double growth, Duration max) {

    /** Streamlette's reference clock: 1 s, growing by 1.05 each tick, capped at one hour. */
    public static final TickClock REFERENCE = new TickClock(Duration.ofSeconds(1), 1.05, Duration.ofHours(1));

    /** Validates. */
    public TickClock {
        if (start.isNegative() || start.isZero()) {
            throw new IllegalArgumentException("start must be positive");
        }
        if (!(growth >= 1.0) || Double.isInfinite(growth)) {
            throw new IllegalArgumentException("growth must be a finite factor of at least 1, got " + growth);
        }
        if (max.compareTo(start) < 0) {
            throw new IllegalArgumentException("max must be at least start");
        }
    }

    /**
     * @param start the first tick's length
     * @param growth the growth factor
     * @return a clock capped at one hour per tick
     */
    public static TickClock of(Duration start, double growth) {
        return new TickClock(start, growth, Duration.ofHours(1).compareTo(start) < 0 ? start : Duration.ofHours(1));
    }

    /**
     * @param tick the logical tick, from 0
     * @return how long it lasts, in nanoseconds
     */
    public long tickNanos(long tick) {
        double nanos = start.toNanos() * Math.pow(growth, tick);
        long cap = max.toNanos();
        return nanos >= cap || Double.isNaN(nanos) ? cap : Math.max(1, Math.round(nanos));
    }

    /**
     * @param tick the logical tick, from 0
     * @param phases the phases in a tick, at least 1
     * @return how long each phase of that tick lasts, in nanoseconds
     */
    public long phaseNanos(long tick, int phases) {
        return Math.max(1, tickNanos(tick) / phases);
    }
}
