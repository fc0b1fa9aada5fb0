package dev.bftkit.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A storage rule whose store never answers fails within {@code patience()}, naming the call it waited for. */
class StorageHangDetectorTest {
    /** A store whose writes never return, not even when interrupted. */
    static final class StuckWrites extends StorageVerification {
        @Override
        protected StorageProvider provider() {
            return new StorageProvider() {
                @Override
                public String name() {
                    return "stuck-writes";
                }

                @Override
                public Storage open(StorageConfig config) {
                    Storage memory = Doubles.memoryStorage();
                    return new Storage() {
                        @Override
                        public Optional<byte[]> get(byte[] key) {
                            return memory.get(key);
                        }

                        @Override
                        public List<Entry> scan(byte[] prefix, byte[] after, int limit) {
                            return memory.scan(prefix, after, limit);
                        }

                        @Override
                        public void write(WriteBatch batch) {
                            CountDownLatch never = new CountDownLatch(1);
                            while (true) {
                                try {
                                    never.await();
                                } catch (InterruptedException e) {
                                    // a store stuck in a lock or in native code does not answer interrupts
                                }
                            }
                        }

                        @Override
                        public void close() {
                            memory.close();
                        }
                    };
                }

                @Override
                public boolean durable() {
                    return false;
                }
            };
        }

        @Override
        protected Duration patience() {
            return Duration.ofSeconds(1);
        }
    }

    @Test
    void aCallThatNeverReturnsFailsTheRuleNamingIt(@TempDir Path dir) {
        StuckWrites stuck = new StuckWrites();
        long started = System.nanoTime();
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> StorageVerification.watched(stuck, "required_getReturnsWhatWasPut",
                        () -> stuck.required_getReturnsWhatWasPut(dir))))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("stuck-writes required_getReturnsWhatWasPut: waited 1 s for Storage.write of a"
                        + " batch of 2 operations (5 bytes), longer than patience() (1 s); thread bftkit-rule")
                .hasMessageContaining("StorageHangDetectorTest$StuckWrites");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
    }

    @Test
    void everyStorageRuleRunsUnderTheHangDetector() {
        assertThat(StorageVerification.class.getAnnotation(ExtendWith.class).value())
                .contains(StorageVerification.HangDetector.class);
    }

    @Test
    void aLongRuleSaysWhereItStands() {
        RuleWatch watch = new RuleWatch("mapdb required_x", Duration.ofMinutes(2));
        watch.progress("lane 31", "lane 31: 5 of 50 kills, 20 batches acknowledged");
        watch.progress("lane 32", "lane 32: 4 of 50 kills, 17 batches acknowledged");
        watch.begin("Storage.close", () -> { });
        assertThat(watch.progressLine(TimeUnit.SECONDS.toNanos(20))).isEqualTo("mapdb required_x: running for 20 s;"
                + " lane 31: 5 of 50 kills, 20 batches acknowledged; lane 32: 4 of 50 kills, 17 batches acknowledged;"
                + " waiting for Storage.close");
    }
}
