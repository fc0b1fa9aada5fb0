package dev.bftkit.runtime;

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

    /**
     * Validates. {@link #of(Duration, double)} caps ticks at one hour.
     *
     * @param start the length of tick 0; positive
     * @param growth the factor each tick's length is multiplied by, finite and at least 1 (1 keeps every tick at
     *     {@code start})
     * @param max the longest a tick may last, at least {@code start}; later ticks stay at this length
     * @throws NullPointerException if {@code start} or {@code max} is null
     * @throws IllegalArgumentException if {@code start} is not positive, {@code growth} is below 1, infinite or
     *     NaN, or {@code max} is shorter than {@code start}
     */
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
     * {@return a clock whose ticks start at {@code start} and grow by {@code growth}, capped at one hour (or at
     * {@code start}, if that is longer)}
     *
     * @param start the first tick's length
     * @param growth the growth factor
     */
    public static TickClock of(Duration start, double growth) {
        return new TickClock(start, growth, Duration.ofHours(1).compareTo(start) < 0 ? start : Duration.ofHours(1));
    }

    /**
     * {@return how long logical tick {@code tick} lasts, in nanoseconds: {@code start × growth^tick}, capped at
     * {@code max}, at least 1}
     *
     * @param tick the logical tick, from 0
     */
    public long tickNanos(long tick) {
        double nanos = start.toNanos() * Math.pow(growth, tick);
        long cap = max.toNanos();
        return nanos >= cap || Double.isNaN(nanos) ? cap : Math.max(1, Math.round(nanos));
    }

    /**
     * {@return how long logical tick {@code tick} lasts, in milliseconds, unrounded: {@code start × growth^tick},
     * capped at {@code max}; for a simulator that runs in virtual milliseconds and scales them itself}
     *
     * @param tick the logical tick, from 0
     */
    public double tickMillis(long tick) {
        double ms = start.toNanos() / 1e6 * Math.pow(growth, tick);
        double cap = max.toNanos() / 1e6;
        return ms >= cap || Double.isNaN(ms) ? cap : ms;
    }

    /**
     * {@return how long each phase of logical tick {@code tick} lasts when the tick has {@code phases} phases, in
     * nanoseconds (at least 1)}
     *
     * @param tick the logical tick, from 0
     * @param phases the phases in a tick, at least 1
     */
    public long phaseNanos(long tick, int phases) {
        return Math.max(1, tickNanos(tick) / phases);
    }
}
