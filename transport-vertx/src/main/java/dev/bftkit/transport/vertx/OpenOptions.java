package dev.bftkit.transport.vertx;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a transport is opened beyond its configuration: {@link #DEFAULT} for every real transport; tests replace the
 * clock or slow the start down.
 *
 * @param reportEvery how long between two warnings that a slow start is still waiting
 * @param loopStarting runs on the event loop when it starts, before anything else there
 * @param clock the time in nanoseconds that the rate limits read (the warning lines' and the handshake budget's)
 */
record OpenOptions(Duration reportEvery, Runnable loopStarting, LongSupplier clock) {
    /** Reports a slow start every 10 s; {@link System#nanoTime()}. */
    static final OpenOptions DEFAULT = new OpenOptions(Duration.ofSeconds(10), () -> { }, System::nanoTime);

    /** @return these options with a slow start reported every {@code every} */
    OpenOptions reportingEvery(Duration every) {
        return new OpenOptions(every, loopStarting, clock);
    }

    /** @return these options with {@code step} run on the event loop as it starts */
    OpenOptions onLoopStart(Runnable step) {
        return new OpenOptions(reportEvery, step, clock);
    }

    /** @return these options with the rate limits reading {@code nanos} */
    OpenOptions timedBy(LongSupplier nanos) {
        return new OpenOptions(reportEvery, loopStarting, nanos);
    }
}
