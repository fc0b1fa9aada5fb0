package dev.bftkit.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Bounded waits for outcomes that have no event to wait on, shared by the module's tests. */
final class Waits {
    /** The longest any test waits for one outcome. */
    static final long PATIENCE_MS = 60_000;

    private Waits() {
    }

    /** Polls until the condition holds; fails after {@link #PATIENCE_MS}. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
