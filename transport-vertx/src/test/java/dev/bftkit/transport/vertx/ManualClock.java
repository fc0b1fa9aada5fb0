package dev.bftkit.transport.vertx;

import dev.bftkit.api.spi.TransportProvider;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock in nanoseconds that moves only when a test moves it, for the transport's rate limits. */
final class ManualClock implements LongSupplier {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long getAsLong() {
        return nanos.get();
    }

    /** Moves the clock on. */
    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    /** @return a {@code vertx} provider whose transports' rate limits read this clock */
    TransportProvider provider() {
        OpenOptions options = OpenOptions.DEFAULT.timedBy(this);
        return new TransportProvider() {
            @Override
            public String name() {
                return "vertx";
            }

            @Override
            public dev.bftkit.api.spi.Transport open(dev.bftkit.api.spi.TransportConfig config) {
                return VertxTransport.open(config, options);
            }
        };
    }
}
