package dev.bftkit.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.teststorage.SnapshotFileStorageProvider;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash rule's own parts: the child JVM starts from the kit's module (here the kit is a named module; plugin
 * modules' tests start it from the class path), and the check of a crashed store catches torn, missing and extra
 * batches, so the rule could fail.
 */
class StorageCrashChildTest {
    /** A durable store of these tests, registered for the class path; the kit itself registers no plugin. */
    private static final String STORE = SnapshotFileStorageProvider.NAME;

    @Test
    void childStartsWithThePluginsOfThisRunAndWritesAcknowledgedBatches(@TempDir Path dir) throws Exception {
        assertThat(run(dir, "probe", STORE, dir.toString())).containsExactly("opened");
        assertThat(run(dir, "write", STORE, dir.toString(), "7", "3"))
                .containsExactly("open 0", "ack 1", "ack 2", "ack 3", "done");
    }

    /** As for a plugin whose tests put the kit on the class path: every jar on the class path, none on the module path. */
    @Test
    void childStartsFromTheClassPathToo(@TempDir Path dir) throws Exception {
        String everything = String.join(File.pathSeparator, StorageChildConfigTest.testClasses(),
                System.getProperty("jdk.module.path", ""), System.getProperty("java.class.path", ""));
        List<String> cmd = ChildJvm.command(StorageCrashChild.class, List.of("write", STORE, dir.toString(), "7",
                "2"), "", everything, false);
        assertThat(cmd).doesNotContain("-m", "--module-path");
        Process child = new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile()).start();
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(out.lines().toList()).as(out).containsExactly("open 0", "ack 1", "ack 2", "done");
    }

    @Test
    void childReportsAnUnknownProviderAsAFailure(@TempDir Path dir) throws Exception {
        Process child = start(dir, "probe", "no-such-store", dir.toString());
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).isEqualTo(1);
    }

    @Test
    void checkAcceptsExactlyAPrefixOfBatches() {
        try (Storage s = Doubles.memoryStorage()) {
            assertThat(CrashBatches.check(s, 5)).isZero();
            for (long n = 1; n <= 4; n++) {
                s.write(CrashBatches.batch(5, n));
                assertThat(CrashBatches.check(s, 5)).isEqualTo(n);
            }
        }
    }

    @Test
    void checkFindsATornBatch() {
        try (Storage s = Doubles.memoryStorage()) {
            writeBatches(s, 3);
            WriteBatch batch4 = CrashBatches.batch(9, 4);
            WriteBatch torn = new WriteBatch();
            batch4.ops().stream().limit(batch4.size() - 1L).forEach(op -> apply(torn, op));
            s.write(torn);
            assertThatThrownBy(() -> CrashBatches.check(s, 9)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void checkFindsALostKeyAWrongValueAndAnExtraEntry() {
        try (Storage s = Doubles.memoryStorage()) {
            writeBatches(s, 3);
            byte[] firstKey = s.scan(new byte[] {'B'}).get(0).key();
            s.write(new WriteBatch().delete(firstKey));
            assertThatThrownBy(() -> CrashBatches.check(s, 9)).hasMessageContaining("batch 1");
        }
        try (Storage s = Doubles.memoryStorage()) {
            writeBatches(s, 3);
            byte[] key = s.scan(new byte[] {'B'}).get(1).key();
            byte[] value = s.get(key).orElseThrow();
            value[value.length - 1] ^= 1;
            s.write(new WriteBatch().put(key, value));
            assertThatThrownBy(() -> CrashBatches.check(s, 9)).hasMessageContaining("wrong bytes");
        }
        try (Storage s = Doubles.memoryStorage()) {
            writeBatches(s, 3);
            s.write(new WriteBatch().put("Z".getBytes(StandardCharsets.UTF_8), new byte[1]));
            assertThatThrownBy(() -> CrashBatches.check(s, 9)).hasMessageContaining("unexpected entry");
        }
        try (Storage s = Doubles.memoryStorage()) {
            writeBatches(s, 3);
            s.write(new WriteBatch().put(new byte[] {'L', 2}, ByteBuffer.allocate(8).putLong(2).array()));
            assertThatThrownBy(() -> CrashBatches.check(s, 9)).hasMessageContaining("L2");
        }
    }

    private static void writeBatches(Storage s, int count) {
        for (long n = 1; n <= count; n++) {
            s.write(CrashBatches.batch(9, n));
        }
    }

    private static void apply(WriteBatch to, WriteBatch.Op op) {
        if (op instanceof WriteBatch.Put put) {
            to.put(put.key(), put.value());
        } else {
            to.delete(op.key());
        }
    }

    /** A child started from the kit's module, with these test classes (and so {@link #STORE}) on its class path. */
    private static Process start(Path dir, String... args) throws IOException {
        String classPath = String.join(File.pathSeparator, StorageChildConfigTest.testClasses(),
                System.getProperty("java.class.path", ""));
        List<String> cmd = ChildJvm.command(StorageCrashChild.class, List.of(args),
                System.getProperty("jdk.module.path", ""), classPath, StorageCrashChild.class.getModule().isNamed());
        return new ProcessBuilder(cmd).redirectError(dir.resolve("child.err").toFile()).start();
    }

    private static List<String> run(Path dir, String... args) throws Exception {
        Process child = start(dir, args);
        child.getOutputStream().close();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        return out.lines().toList();
    }
}
