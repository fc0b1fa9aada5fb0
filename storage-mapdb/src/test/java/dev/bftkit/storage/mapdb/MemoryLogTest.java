package dev.bftkit.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MapDB's log in memory: reads see the writes and zeros elsewhere; a closed log's array comes back zeroed. */
class MemoryLogTest {
    @Test
    void readsSeeTheWritesAndZerosElsewhere() throws IOException {
        MemoryLog log = new MemoryLog(new byte[0], b -> { });
        log.ensureAvailable(100);
        log.putLong(8, 0x0102030405060708L);
        log.putInt(20, -2);
        log.putByte(30, (byte) 9);
        log.putData(5000, new byte[] {1, 2, 3}, 0, 3);
        assertThat(log.getLong(8)).isEqualTo(0x0102030405060708L);
        assertThat(log.getInt(20)).isEqualTo(-2);
        assertThat(log.getByte(30)).isEqualTo((byte) 9);
        assertThat(log.getByte(31)).isZero();
        assertThat(log.getLong(1 << 20)).as("past the array").isZero();
        assertThat(log.length()).isEqualTo(5003);
        byte[] b = new byte[6];
        log.getDataInputOverlap(4999, 5).readFully(b, 0, 5);
        assertThat(b).containsExactly(0, 1, 2, 3, 0, 0);
        log.truncate(5001);
        assertThat(log.getByte(5001)).isZero();
        assertThat(log.getByte(5000)).isEqualTo((byte) 1);
        log.clear(0, 16);
        assertThat(log.getLong(8)).isZero();
    }

    @Test
    void aClosedLogsArrayComesBackZeroedForTheNext() {
        List<byte[]> back = new ArrayList<>();
        MemoryLog log = new MemoryLog(new byte[16], back::add);
        byte[] data = new byte[70_000];
        new SplittableRandom(2).nextBytes(data);
        log.ensureAvailable(data.length);
        log.putData(0, data, 0, data.length);
        log.close();
        log.close();
        assertThat(back).hasSize(1);
        assertThat(back.get(0).length).isGreaterThanOrEqualTo(data.length);
        assertThat(back.get(0)).containsOnly(0);
        assertThat(log.isClosed()).isTrue();

        MemoryLog next = new MemoryLog(back.get(0), b -> { });
        assertThat(next.length()).isZero();
        byte[] read = new byte[100];
        next.getData(0, read, 0, read.length);
        assertThat(read).isEqualTo(new byte[100]);
        assertThat(Arrays.equals(back.get(0), new byte[back.get(0).length])).isTrue();
    }
}
