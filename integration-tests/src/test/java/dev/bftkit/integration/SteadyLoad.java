package dev.bftkit.integration;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/** A thread that takes steps 0, 1, 2… at a steady rate while a flag stays set (the load of the log's soak and bench). */
final class SteadyLoad {
    private SteadyLoad() {
    }

    /**
     * {@return a started thread that calls {@code step} {@code perSecond} times a second, with the step's number,
     * until {@code on} is cleared or it is interrupted}
     *
     * @param name the thread's name
     * @param perSecond steps a second, at least 1
     * @param on cleared to stop
     * @param step one step; it should not block
     */
    static Thread start(String name, int perSecond, AtomicBoolean on, LongConsumer step) {
        Thread t = new Thread(() -> {
            long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
            long next = System.nanoTime();
            for (long k = 0; on.get(); k++) {
                step.accept(k);
                next += period;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, name);
        t.start();
        return t;
    }
}
