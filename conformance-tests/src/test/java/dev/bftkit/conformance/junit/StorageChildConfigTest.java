package dev.bftkit.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.teststorage.SnapshotFileStorageProvider;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The child JVMs of the crash and second-process rules open the store with {@link StorageVerification#config(Path)},
 * as the test's own JVM does: the store here keeps its data in the file its option names, so a child that opened it
 * with the defaults would write, lock and read another file.
 */
class StorageChildConfigTest {
    /** The store with a non-default data file; its children start from the class path, with these test classes. */
    static class Configured extends StorageVerification {
        @Override
        protected StorageProvider provider() {
            return new SnapshotFileStorageProvider();
        }

        @Override
        protected StorageConfig config(Path directory) {
            return new StorageConfig(directory, Map.of(SnapshotFileStorageProvider.FILE, "configured.data"));
        }

        @Override
        List<String> childCommand(List<String> args) {
            String classPath = String.join(File.pathSeparator, testClasses(),
                    System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""));
            return ChildJvm.command(StorageCrashChild.class, args, "", classPath, false);
        }
    }

    @Test
    void aSecondProcessIsRefusedTheConfiguredStore(@TempDir Path dir) {
        new Configured().required_durable_secondProcessIsRefused(dir);
        assertThat(dir.resolve("store")).isDirectoryContaining(p -> p.endsWith("configured.data"))
                .isDirectoryNotContaining(p -> p.endsWith("store.data"));
    }

    @Test
    void killedChildrenWriteTheConfiguredStore(@TempDir Path dir) throws Throwable {
        withProperty("bftkit.storage.kills", "8",
                () -> new Configured().required_durable_killedWriterLeavesAPrefixOfBatches(1, dir));
        for (String lane : List.of("lane-0", "lane-1")) {
            Path store = dir.resolve(lane).resolve("store");
            assertThat(Files.size(store.resolve("configured.data"))).isPositive();
            assertThat(store.resolve("store.data")).doesNotExist();
            // 8 kills over 2 seeds and 2 lanes: 2 children per lane, and one or two reopenings by this JVM
            assertThat(Files.size(store.resolve("configured.data.opens"))).isBetween(3L, 4L);
        }
    }

    /** {@code bftkit.storage.killSeconds} replaces the count (200 over two seeds: 50 children a lane here). */
    @Test
    void aTimeBudgetEndsTheCrashRule(@TempDir Path dir) throws Throwable {
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> withProperty("bftkit.storage.killSeconds", "2",
                () -> new Configured().required_durable_killedWriterLeavesAPrefixOfBatches(1, dir)));
        for (String lane : List.of("lane-0", "lane-1")) {
            long opens = Files.size(dir.resolve(lane).resolve("store").resolve("configured.data.opens"));
            assertThat(opens).as("children and reopenings in 2 s").isBetween(2L, 20L);
        }
    }

    /** A store whose second opener waits for the lock: the probe child never answers, and the rule says so. */
    @Test
    void aProbeChildThatNeverAnswersFailsTheRuleWithinPatience(@TempDir Path dir) {
        Configured waits = new Configured() {
            @Override
            protected StorageConfig config(Path directory) {
                return new StorageConfig(directory, Map.of(SnapshotFileStorageProvider.FILE, "configured.data",
                        SnapshotFileStorageProvider.LOCK, "wait"));
            }

            @Override
            protected Duration patience() {
                return Duration.ofSeconds(3);
            }
        };
        assertThatThrownBy(() -> assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> StorageVerification.watched(waits, "required_durable_secondProcessIsRefused",
                        () -> waits.required_durable_secondProcessIsRefused(dir))))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the probe child JVM was waited for 3 s (patience()) to open")
                .hasMessageContaining("or be refused");
    }

    private static void withProperty(String name, String value, RuleWatch.Body body) throws Throwable {
        String saved = System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (saved == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, saved);
            }
        }
    }

    /** {@return where these test classes are: a child JVM that has them on its class path finds their store} */
    static String testClasses() {
        try {
            return Path.of(SnapshotFileStorageProvider.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
