package dev.bftkit.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DataIO;
import org.mapdb.volume.RandomAccessFileVol;
import org.mapdb.volume.Volume;

/** The journaled store volume: MapDB's field formats, nothing written before a sync, and recovery. */
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
        JournaledVolume journaled = new JournaledVolume(RandomAccessFileVol.FACTORY.makeVolume(file.toString(), false),
                dir.resolve("j"));
        read(journaled, values, "written by MapDB's volume, read through the journal");
        journaled.close();

        Path other = dir.resolve("g");
        journaled = new JournaledVolume(RandomAccessFileVol.FACTORY.makeVolume(other.toString(), false),
                dir.resolve("k"));
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
        JournaledVolume v = new JournaledVolume(RandomAccessFileVol.FACTORY.makeVolume(file.toString(), false),
                dir.resolve("j"));
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

    @Test
    void recoveryAppliesACompleteJournalAndIgnoresATornOne(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("f");
        Path journal = dir.resolve("j");
        JournaledVolume v = new JournaledVolume(RandomAccessFileVol.FACTORY.makeVolume(file.toString(), false),
                journal);
        v.ensureAvailable(SIZE);
        v.sync();
        byte[] before = Files.readAllBytes(file);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            v.putLong(r.nextLong(SIZE - 8), r.nextLong());
        }
        v.putData(4090, new byte[20], 0, 20);
        v.sync();
        v.close();
        byte[] after = Files.readAllBytes(file);
        byte[] complete = Files.readAllBytes(journal);
        // a sync blanks the magic once the file holds the changes; before that the journal was complete
        assertThat(JournaledVolume.recover(file, journal)).isFalse();
        System.arraycopy(new byte[] {'B', 'F', 'J', '1'}, 0, complete, 0, 4);
        Files.write(journal, complete);

        // killed after the journal was forced, before the file was written: recovery finishes the commit
        Files.write(file, before);
        assertThat(JournaledVolume.recover(file, journal)).isTrue();
        assertThat(Files.readAllBytes(file)).isEqualTo(after);
        // applying it again changes nothing
        assertThat(JournaledVolume.recover(file, journal)).isTrue();
        assertThat(Files.readAllBytes(file)).isEqualTo(after);

        // killed while the journal was being written: the file was not touched, and stays as it was
        for (int cut : new int[] {0, 10, complete.length / 2, complete.length - 1}) {
            Files.write(file, before);
            byte[] torn = complete.clone();
            for (int i = cut; i < torn.length; i++) {
                torn[i] = 0;
            }
            Files.write(journal, torn);
            assertThat(JournaledVolume.recover(file, journal)).as("cut at %d", cut).isFalse();
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
        }
        Files.write(file, before);
        byte[] flipped = complete.clone();
        flipped[flipped.length / 2] ^= 4;
        Files.write(journal, flipped);
        assertThat(JournaledVolume.recover(file, journal)).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
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
