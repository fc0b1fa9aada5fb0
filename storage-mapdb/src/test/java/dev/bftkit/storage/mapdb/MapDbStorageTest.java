package dev.bftkit.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;
import org.mapdb.StoreWAL;
import org.mapdb.volume.RandomAccessFileVol;

/** What the kit's rules cannot know about the {@code mapdb} store: its files, its layout, its choices. */
class MapDbStorageTest {
    private final MapDbStorageProvider provider = new MapDbStorageProvider();

    @Test
    void mapdbByteArrayOrderIsUnsigned() {
        assertThat(Serializer.BYTE_ARRAY.compare(new byte[] {(byte) 0x80}, new byte[] {0x7F})).isPositive();
        assertThat(Serializer.BYTE_ARRAY.compare(new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xFF, 0})).isNegative();
        assertThat(Serializer.BYTE_ARRAY.compare(new byte[] {1, (byte) 0xFE}, new byte[] {1, (byte) 0xFE})).isZero();
    }

    @Test
    void optionsAreRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> provider.open(new StorageConfig(dir, Map.of("cache", "big"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cache");
    }

    @Test
    void garbageStoreFileIsReportedByName(@TempDir Path dir) throws IOException {
        byte[] garbage = new byte[1 << 20];
        new SplittableRandom(4).nextBytes(garbage);
        Files.write(dir.resolve(MapDbStorage.STORE_FILE), garbage);
        assertThatThrownBy(() -> provider.open(StorageConfig.at(dir))).isInstanceOf(StorageException.class)
                .hasMessageContaining(dir.resolve(MapDbStorage.STORE_FILE).toString());
        assertThat(Files.readAllBytes(dir.resolve(MapDbStorage.STORE_FILE))).isEqualTo(garbage);
    }

    @Test
    void emptyStoreFileIsReportedByName(@TempDir Path dir) throws IOException {
        Files.createFile(dir.resolve(MapDbStorage.STORE_FILE));
        assertThatThrownBy(() -> provider.open(StorageConfig.at(dir))).isInstanceOf(StorageException.class)
                .hasMessageContaining(dir.resolve(MapDbStorage.STORE_FILE).toString());
    }

    @Test
    void storeFileThatIsADirectoryIsReportedByName(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve(MapDbStorage.STORE_FILE));
        assertThatThrownBy(() -> provider.open(StorageConfig.at(dir))).isInstanceOf(StorageException.class)
                .hasMessageContaining(dir.resolve(MapDbStorage.STORE_FILE).toString());
    }

    @Test
    void aStoreOfAnotherProgramIsRefused(@TempDir Path dir) {
        org.mapdb.DB other = org.mapdb.DBMaker.fileDB(dir.resolve(MapDbStorage.STORE_FILE).toFile())
                .transactionEnable().make();
        other.atomicString("something").createOrOpen().set("else");
        other.commit();
        other.close();
        assertThatThrownBy(() -> provider.open(StorageConfig.at(dir))).isInstanceOf(StorageException.class)
                .hasMessageContaining(MapDbStorage.STORE_FILE);
    }

    @Test
    void anUnfinishedCreationIsDiscarded(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve(MapDbStorage.STORE_FILE + ".creating"), new byte[] {1, 2, 3});
        Files.write(dir.resolve(MapDbStorage.STORE_FILE + ".creating.wal.0"), new byte[] {4});
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            s.write(new WriteBatch().put(bytes("k"), bytes("v")));
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("creating"))
                    .contains(MapDbStorage.STORE_FILE, MapDbStorage.LOCK_FILE);
        }
    }

    @Test
    void theLockSaysTheStoreIsOpenInThisProcess(@TempDir Path dir) {
        Storage s = provider.open(StorageConfig.at(dir));
        try {
            assertThatThrownBy(() -> provider.open(StorageConfig.at(dir))).isInstanceOf(StorageException.class)
                    .hasMessageContaining("already open in this process")
                    .hasMessageContaining(dir.resolve(MapDbStorage.LOCK_FILE).toString());
        } finally {
            s.close();
        }
    }

    /** Values up to {@link Values#INLINE_MAX} bytes sit in the leaf, larger ones in records of their own. */
    @ParameterizedTest
    @ValueSource(ints = {40, Values.INLINE_MAX, Values.INLINE_MAX + 1, 5000})
    void damagedValueBytesAreReportedByName(int length, @TempDir Path dir) throws IOException {
        byte[] value = new byte[length];
        new SplittableRandom(length).nextBytes(value);
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            s.write(new WriteBatch().put(bytes("other"), bytes("fine")).put(bytes("damaged"), value));
        }
        Path file = dir.resolve(MapDbStorage.STORE_FILE);
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, value);
        assertThat(at).as("the value's bytes are in the file").isNotNegative();
        bytes[at + length / 2] ^= 0x10;
        Files.write(file, bytes);
        Storage opened;
        try {
            opened = provider.open(StorageConfig.at(dir));
        } catch (StorageException e) {
            // an inline value sits in the only leaf, which MapDB reads when it opens the tree
            assertThat(length).isLessThanOrEqualTo(Values.INLINE_MAX);
            assertThat(e).hasMessageContaining(file.toString()).hasMessageContaining("checksum");
            return;
        }
        try (Storage s = opened) {
            assertThatThrownBy(() -> s.get(bytes("damaged"))).isInstanceOf(StorageException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("checksum");
            assertThatThrownBy(() -> s.scan(new byte[0])).isInstanceOf(StorageException.class);
            if (length > Values.INLINE_MAX) {
                // the damaged record is the value's own, so the rest of the leaf still reads
                assertThat(s.get(bytes("other"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("fine")));
            }
        }
    }

    /** A batch that fails half-way (its second put reads the damaged leaf) leaves nothing of itself behind. */
    @Test
    void aFailedBatchLeavesNothingAndTheStoreMustBeReopened(@TempDir Path dir) throws IOException {
        byte[] marker = new byte[40];
        new SplittableRandom(9).nextBytes(marker);
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 200; i++) {
                batch.put(bytes(String.format("k%03d", i)), i == 150 ? marker : bytes("v" + i));
            }
            s.write(batch);
        }
        Path file = dir.resolve(MapDbStorage.STORE_FILE);
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, marker);
        assertThat(at).isNotNegative();
        bytes[at + 3] ^= 1;
        Files.write(file, bytes);

        Storage s = provider.open(StorageConfig.at(dir));
        assertThatThrownBy(() -> s.write(new WriteBatch().put(bytes("a-new"), bytes("x"))
                .put(bytes("k150"), bytes("y")))).isInstanceOf(StorageException.class)
                .hasMessageContaining(file.toString());
        assertThatThrownBy(() -> s.get(bytes("k000"))).isInstanceOf(StorageException.class)
                .hasMessageContaining("reopen");
        s.close();
        try (Storage again = provider.open(StorageConfig.at(dir))) {
            assertThat(again.get(bytes("a-new"))).isEmpty();
            assertThat(again.get(bytes("k000"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v0")));
            assertThatThrownBy(() -> again.get(bytes("k150"))).isInstanceOf(StorageException.class);
        }
    }

    @Test
    void valuesSharedWithTheCacheAreHandedOutAsCopies(@TempDir Path dir) {
        byte[] value = new byte[Values.INLINE_MAX + 100];
        Arrays.fill(value, (byte) 7);
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            s.write(new WriteBatch().put(bytes("k"), value));
            s.get(bytes("k")).orElseThrow()[0] = 1;
            s.scan(bytes("k")).get(0).value()[1] = 1;
            assertThat(s.get(bytes("k"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        }
    }

    @Test
    void aBatchChangedAfterItsWriteChangesNothingStored(@TempDir Path dir) {
        byte[] large = new byte[Values.INLINE_MAX + 100];
        Arrays.fill(large, (byte) 7);
        WriteBatch batch = new WriteBatch().put(bytes("k1"), bytes("v")).put(bytes("k2"), large);
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            s.write(batch);
            // the cached B-tree node is the one written: it must hold copies, not the batch's arrays
            for (WriteBatch.Op op : batch.ops()) {
                op.key()[0] = 'z';
                ((WriteBatch.Put) op).value()[0] = 'z';
            }
            assertThat(s.scan(bytes("k"))).extracting(e -> new String(e.key(), StandardCharsets.UTF_8))
                    .containsExactly("k1", "k2");
            assertThat(s.get(bytes("k1"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("v")));
            assertThat(s.get(bytes("k2"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(large));
        }
    }

    @Test
    void overwrittenAndDeletedValuesGiveTheirSpaceBack(@TempDir Path dir) throws IOException {
        byte[] value = new byte[20_000];
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            for (int i = 0; i < 1000; i++) {
                value[0] = (byte) i;
                s.write(new WriteBatch().put(bytes("a"), value).put(bytes("b" + i % 3), value)
                        .delete(bytes("b" + (i + 1) % 3)));
            }
            assertThat(s.get(bytes("a"))).hasValueSatisfying(v -> assertThat(v).isEqualTo(value));
        }
        // 2,000 values of 20 kB were written; without reuse the file would pass 40 MB
        assertThat(Files.size(dir.resolve(MapDbStorage.STORE_FILE))).isLessThan(8L << 20);
    }

    /**
     * One batch that puts the same keys again and again, small values and large ones (records of their own, each
     * freed in the same batch by the next put), and deletes some between: the last state is what is stored, after a
     * reopen too, and the freed records' space is used again.
     */
    @Test
    void aBatchThatRewritesTheSameKeysKeepsTheirLastValues(@TempDir Path dir) throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        Map<String, byte[]> last = new TreeMap<>();
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < 3000; i++) {
            String key = "k" + r.nextInt(40);
            if (r.nextInt(10) == 0) {
                batch.delete(bytes(key));
                last.remove(key);
            } else {
                byte[] value = new byte[r.nextBoolean() ? r.nextInt(1, Values.INLINE_MAX) : r.nextInt(300, 9000)];
                r.nextBytes(value);
                batch.put(bytes(key), value);
                last.put(key, value);
            }
        }
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            s.write(batch);
            assertThat(s.scan(bytes("k"), null, 100)).extracting(e -> new String(e.key(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(last.keySet());
        }
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            for (int k = 0; k < 40; k++) {
                byte[] expected = last.get("k" + k);
                assertThat(s.get(bytes("k" + k)).orElse(null)).as("k%d", k).isEqualTo(expected);
            }
        }
        // about 1,350 large values, 6 MB, were written; the file grows in steps of 1 MiB
        assertThat(Files.size(dir.resolve(MapDbStorage.STORE_FILE))).isLessThan(4L << 20);
    }

    /**
     * Stores written before MapDB ran without its transactions have the same layout: a store changed through
     * MapDB's write-ahead-logged store (as every store was then) opens and reads back, and takes new batches.
     */
    @Test
    void aStoreWrittenThroughMapDbsTransactionsOpens(@TempDir Path dir) {
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            s.write(new WriteBatch().put(bytes("first"), bytes("1")));
        }
        StoreWAL wal = StoreWAL.make(dir.resolve(MapDbStorage.STORE_FILE).toString(), RandomAccessFileVol.FACTORY, 0L,
                true, 3, 0L, 0L, false, false, false, true, false);
        DB db = new DB(new ChecksumStore(wal), true, true, getClass().getClassLoader(), 0);
        BTreeMap<byte[], byte[]> map = db.treeMap(MapDbStorage.MAP_NAME, Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
                .open();
        Values values = new Values(db.getStore());
        for (int i = 0; i < 300; i++) {
            map.put(bytes(String.format("k%03d", i)), values.store(value(i)));
        }
        db.commit();
        db.close();
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            for (int i = 0; i < 300; i++) {
                assertThat(s.get(bytes(String.format("k%03d", i)))).hasValue(value(i));
            }
            s.write(new WriteBatch().put(bytes("k000"), bytes("new")).delete(bytes("k001")));
        }
        try (Storage s = provider.open(StorageConfig.at(dir))) {
            assertThat(s.get(bytes("first"))).hasValue(bytes("1"));
            assertThat(s.get(bytes("k000"))).hasValue(bytes("new"));
            assertThat(s.get(bytes("k001"))).isEmpty();
            assertThat(s.get(bytes("k299"))).hasValue(value(299));
        }
    }

    /** A value of its own for each i, inline or in a record of its own. */
    private static byte[] value(int i) {
        byte[] v = new byte[i % 5 == 0 ? 3000 : 40];
        Arrays.fill(v, (byte) i);
        return v;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
