package dev.bftkit.transport.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.transport.vertx.TransportStats.Event;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The counters and the rate limit of the warning lines, driven by a clock the test moves: at most one {@code
 * WARNING} line per kind of event in 10 s, the rest at {@code DEBUG}, every event counted.
 */
class TransportStatsTest {
    private final ManualClock clock = new ManualClock();
    private final Lines log = new Lines();
    private final TransportStats stats = new TransportStats("node", log, () -> 3, clock);

    @Test
    void aBurstOfOneKindIsOneWarningLineAndTheNextLineCountsWhatWasHeldBack() throws Exception {
        for (int i = 0; i < 50; i++) {
            stats.record(Event.GARBAGE_CONNECTIONS, () -> "closed a connection from 127.0.0.9");
            clock.advance(Duration.ofMillis(100)); // 50 events over 5 s
        }
        assertThat(log.at(Level.WARNING)).containsExactly(
                "node: closed a connection from 127.0.0.9 (GarbageConnections: 1 since the transport opened)");
        assertThat(log.at(Level.DEBUG)).hasSize(49);

        clock.advance(Duration.ofSeconds(5)); // 10 s after the first line
        stats.record(Event.GARBAGE_CONNECTIONS, () -> "closed a connection from 127.0.0.10");
        assertThat(log.at(Level.WARNING)).hasSize(2).last().isEqualTo("node: closed a connection from 127.0.0.10 "
                + "(GarbageConnections: 51 since the transport opened, 49 more since the last such line)");
        assertThat(stats.count(Event.GARBAGE_CONNECTIONS)).isEqualTo(51);
        assertThat(stats.getAttribute("GarbageConnections")).isEqualTo(51L);
    }

    @Test
    void eachKindHasItsOwnLimitAndQuietEventsAreCountedOnly() throws Exception {
        for (Event e : Event.values()) {
            stats.record(e, () -> "one " + e);
            stats.record(e, () -> "two " + e);
        }
        long warning = List.of(Event.values()).stream().filter(e -> e.warns).count();
        assertThat(log.at(Level.WARNING)).as("one line for each kind that warns").hasSize((int) warning)
                .allSatisfy(line -> assertThat(line).contains("one ").contains(": 1 since the transport opened"));
        assertThat(log.at(Level.DEBUG)).as("the second of each kind that warns").hasSize((int) warning);
        for (Event e : Event.values()) {
            assertThat(stats.getAttribute(e.attribute)).as(e.attribute).isEqualTo(2L);
        }
        assertThat(stats.getAttribute(TransportStats.IN_PROGRESS)).isEqualTo(3L);
    }

    @Test
    void aQuietIntervalLetsTheNextEventWarnAtOnce() {
        stats.record(Event.SLOTS_EXHAUSTED, () -> "first");
        clock.advance(Duration.ofSeconds(10).minusNanos(1));
        stats.record(Event.SLOTS_EXHAUSTED, () -> "second");
        clock.advance(Duration.ofNanos(1));
        stats.record(Event.SLOTS_EXHAUSTED, () -> "third");
        clock.advance(Duration.ofMinutes(5));
        stats.record(Event.SLOTS_EXHAUSTED, () -> "fourth");
        assertThat(log.at(Level.WARNING)).extracting(line -> line.substring(0, line.indexOf(" ("))).containsExactly(
                "node: first", "node: third", "node: fourth");
    }

    /** A {@link System.Logger} that keeps every message with its level. */
    private static final class Lines implements System.Logger {
        private final List<Level> levels = new CopyOnWriteArrayList<>();
        private final List<String> messages = new CopyOnWriteArrayList<>();

        List<String> at(Level level) {
            return java.util.stream.IntStream.range(0, messages.size()).filter(i -> levels.get(i) == level)
                    .mapToObj(messages::get).toList();
        }

        @Override
        public String getName() {
            return "lines";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public synchronized void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            levels.add(level);
            messages.add(msg);
        }

        @Override
        public synchronized void log(Level level, ResourceBundle bundle, String format, Object... params) {
            log(level, bundle, format, (Throwable) null);
        }
    }
}
