package dev.bftkit.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DataIO;
import org.mapdb.volume.RandomAccessFileVol;
import org.mapdb.volume.Volume;

/** The journaled store volume: MapDB's field formats, nothing written before a sync, recovery of its syncs. */
class JournaledVolumeTest {
    private static final long SIZE = 64 * 1024;

    @Test
    void fieldsReadBackExactlyAsMapDbsOwnVolumeWritesThem(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        long[] values = values();
        Volume plain = RandomAccessFileVol.FACTORY.makeVolume(file.toString(), false);
        plain.ensureAvailable(SIZE);
        write(plain, values);
        plain.sync();
        plain.close();
        JournaledVolume journaled = open(file, dir.resolve("j"));
        read(journaled, values, "written by MapDB's volume, read through the journal");
        journaled.close();

        Path other = dir.resolve("g");
        journaled = open(other, dir.resolve("k"));
        journaled.ensureAvailable(SIZE);
        write(journaled, values);
        read(journaled, values, "pending in the journaled volume");
        journaled.sync();
        journaled.close();
        plain = RandomAccessFileVol.FACTORY.makeVolume(other.toString(), false);
        read(plain, values, "written through the journal, read by MapDB's volume");
        plain.close();
    }

    @Test
    void nothingReachesTheFileBeforeTheSync(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        JournaledVolume v = open(file, dir.resolve("j"));
        v.ensureAvailable(SIZE);
        byte[] before = Files.readAllBytes(file);
        v.putLong(100, 42);
        v.putData(5000, new byte[] {1, 2, 3}, 0, 3);
        assertThat(v.getLong(100)).isEqualTo(42);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        v.sync();
        assertThat(Files.readAllBytes(file)).isNotEqualTo(before);
        v.close();
        try (var r = new java.io.RandomAccessFile(file.toFile(), "r")) {
            r.seek(100);
            assertThat(r.readLong()).isEqualTo(42);
        }
    }

    /**
     * A process killed, or a machine cut off, after some syncs: the journal holds them, the file holds any part of
     * what the syncs wrote after the last checkpoint (here: none of it). Recovery rebuilds the file.
     */
    @Test
    void recoveryRebuildsWhatTheSyncsWroteFromTheJournal(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        Path journal = dir.resolve("j");
        JournaledVolume v = open(file, journal);
        v.ensureAvailable(SIZE);
        v.sync();
        v.checkpoint();
        byte[] checkpointed = Files.readAllBytes(file);
        SplittableRandom r = new SplittableRandom(3);
        for (int sync = 0; sync < 5; sync++) {
            for (int i = 0; i < 40; i++) {
                v.putLong(r.nextLong(SIZE - 8), r.nextLong());
            }
            v.putData(4090 + sync, new byte[20], 0, 20);
            v.ensureAvailable(SIZE + sync * 10_000L);
            v.sync();
        }
        byte[] synced = Files.readAllBytes(file);
        byte[] journaled = Files.readAllBytes(journal);
        v.close();

        Files.write(file, checkpointed);
        Files.write(journal, journaled);
        assertThat(PageJournal.recover(file, journal, PageJournal.DEFAULT_BYTES).applied()).isEqualTo(5);
        assertThat(Files.readAllBytes(file)).isEqualTo(synced);
        // the recovery started a new generation: nothing is applied twice
        assertThat(PageJournal.recover(file, journal, PageJournal.DEFAULT_BYTES).applied()).isZero();
    }

    /**
     * Random writes, growth, syncs and checkpoints against a plain array: every read, pending or synced, through the
     * clean pages or the zeros at the file's end, sees what was written last; a reopened file holds it all.
     */
    @Test
    void readsSeeTheLastWriteThroughGrowthSyncsAndCheckpoints(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        SplittableRandom r = new SplittableRandom(11);
        int max = 1 << 20;
        byte[] model = new byte[max];
        long length = 0;
        JournaledVolume v = open(file, dir.resolve("j"));
        for (int step = 0; step < 3000; step++) {
            int op = r.nextInt(100);
            if (op < 3) {
                length = Math.min(max, length + r.nextInt(1, 200_000));
                v.ensureAvailable(length);
            } else if (op < 8) {
                v.sync();
            } else if (op < 9) {
                v.sync();
                v.checkpoint();
            } else if (length > 0 && op < 60) {
                int at = r.nextInt((int) length);
                byte[] b = new byte[Math.min(r.nextInt(1, 9000), (int) length - at)];
                r.nextBytes(b);
                v.putData(at, b, 0, b.length);
                System.arraycopy(b, 0, model, at, b.length);
            } else if (length > 0) {
                int at = r.nextInt((int) length);
                byte[] b = new byte[Math.min(r.nextInt(1, 9000), (int) length - at)];
                v.getData(at, b, 0, b.length);
                assertThat(b).as("step %d, %d bytes at %d", step, b.length, at)
                        .isEqualTo(Arrays.copyOfRange(model, at, at + b.length));
            }
        }
        v.close();
        byte[] onDisk = Files.readAllBytes(file);
        assertThat(onDisk.length).isGreaterThanOrEqualTo((int) length);
        assertThat(Arrays.copyOf(onDisk, (int) length)).isEqualTo(Arrays.copyOf(model, (int) length));
    }

    /**
     * The page read last is read again without the page maps, from the array that held it; once that page leaves
     * the clean-page cache and is read and written anew, or the file is truncated, the next read must see the new
     * bytes, not the old array.
     */
    @Test
    void aQuickReadNeverSeesAPageArrayThatWasReplaced(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        JournaledVolume v = open(file, dir.resolve("j"));
        long pages = JournaledVolume.CLEAN_PAGES + 10L;
        v.ensureAvailable(pages * JournaledVolume.PAGE);
        v.putInt(100, 1);
        v.sync();
        assertThat(v.getInt(100)).isEqualTo(1);
        // plain reads of other pages push page 0, the one read last, out of the clean-page cache
        byte[] b = new byte[8];
        for (long p = 1; p < pages; p++) {
            v.getData(p * JournaledVolume.PAGE, b, 0, b.length);
        }
        // written now, page 0 is read from the file into a new array
        v.putInt(100, 2);
        assertThat(v.getInt(100)).isEqualTo(2);
        v.sync();
        assertThat(v.getInt(100)).isEqualTo(2);
        // a read across two pages, and one after a truncation that cut the page read last
        v.putLong(JournaledVolume.PAGE - 4, 0x0102030405060708L);
        assertThat(v.getLong(JournaledVolume.PAGE - 4)).isEqualTo(0x0102030405060708L);
        assertThat(v.getInt(JournaledVolume.PAGE + 4)).isZero();
        v.sync();
        v.truncate(JournaledVolume.PAGE);
        v.ensureAvailable(2L * JournaledVolume.PAGE);
        assertThat(v.getInt(JournaledVolume.PAGE)).isZero();
        assertThat(v.getInt(JournaledVolume.PAGE - 4)).isEqualTo(0x01020304);
        v.close();
    }

    /** A store's volume over a journal prepared as the store prepares it on open. */
    private static JournaledVolume open(Path file, Path journal) throws IOException {
        PageJournal.recover(file, journal, PageJournal.DEFAULT_BYTES);
        return new JournaledVolume(RandomAccessFileVol.FACTORY.makeVolume(file.toString(), false), journal);
    }

    private static long[] values() {
        SplittableRandom r = new SplittableRandom(7);
        long[] v = new long[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextLong() >>> r.nextInt(64);
        }
        v[0] = 0;
        v[1] = Long.MAX_VALUE;
        return v;
    }

    /** Each value as every field kind, at offsets that straddle pages. */
    private static void write(Volume v, long[] values) {
        for (int i = 0; i < values.length; i++) {
            long at = 4096L * i + 4090;
            v.putLong(at, values[i]);
            v.putInt(at + 8, (int) values[i]);
            v.putSixLong(at + 12, values[i] & 0xFFFFFFFFFFFFL);
            v.putUnsignedShort(at + 18, (int) values[i] & 0xFFFF);
            v.putByte(at + 20, (byte) values[i]);
            v.putPackedLong(at + 21, values[i] & Long.MAX_VALUE >>> 8);
        }
    }

    private static void read(Volume v, long[] values, String how) {
        for (int i = 0; i < values.length; i++) {
            long at = 4096L * i + 4090;
            assertThat(v.getLong(at)).as(how).isEqualTo(values[i]);
            assertThat(v.getInt(at + 8)).as(how).isEqualTo((int) values[i]);
            assertThat(v.getSixLong(at + 12)).as(how).isEqualTo(values[i] & 0xFFFFFFFFFFFFL);
            assertThat(v.getUnsignedShort(at + 18)).as(how).isEqualTo((int) values[i] & 0xFFFF);
            assertThat(v.getByte(at + 20)).as(how).isEqualTo((byte) values[i]);
            assertThat(v.getUnsignedByte(at + 20)).as(how).isEqualTo((int) values[i] & 0xFF);
            long packed = v.getPackedLong(at + 21);
            assertThat(packed & 0x0FFFFFFFFFFFFFFFL).as(how).isEqualTo(values[i] & Long.MAX_VALUE >>> 8);
            assertThat(packed >>> 60).as(how).isEqualTo(DataIO.packLongSize(values[i] & Long.MAX_VALUE >>> 8));
        }
    }
}
