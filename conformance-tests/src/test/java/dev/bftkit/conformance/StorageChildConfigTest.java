package dev.bftkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.teststorage.SnapshotFileStorageProvider;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    static final class Configured extends StorageVerification {
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
    void killedChildrenWriteTheConfiguredStore(@TempDir Path dir) throws Exception {
        String saved = System.setProperty("bftkit.storage.kills", "8");
        try {
            new Configured().required_durable_killedWriterLeavesAPrefixOfBatches(1, dir);
        } finally {
            if (saved == null) {
                System.clearProperty("bftkit.storage.kills");
            } else {
                System.setProperty("bftkit.storage.kills", saved);
            }
        }
        for (String lane : List.of("lane-0", "lane-1")) {
            Path store = dir.resolve(lane).resolve("store");
            assertThat(Files.size(store.resolve("configured.data"))).isPositive();
            assertThat(store.resolve("store.data")).doesNotExist();
        }
    }

    private static String testClasses() {
        try {
            return Path.of(SnapshotFileStorageProvider.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
