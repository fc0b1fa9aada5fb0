package dev.bftkit.storage.mapdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bftkit.api.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's recovery, driven directly: the test writes records as a commit would, plays the store file's part
 * (written after each record, forced only at checkpoints), then cuts the files as a crash or a power cut could
 * leave them and recovers.
 */
class PageJournalTest {
    private static final int STORE = 64 * 1024;
    private static final long BYTES = 64 * 1024;
    /** Where records start: each of the small records below fits in one block. */
    private static final long FIRST = PageJournal.RECORDS;
    private static final int BLOCK = PageJournal.BLOCK;

    @TempDir
    Path dir;

    /** A store file and its journal, with what the store file must hold after each commit. */
    private final class Fixture implements AutoCloseable {
        final Path store = dir.resolve("store");
        final Path journal = dir.resolve("journal");
        /** The store file's contents after the last commit. */
        byte[] state = new byte[STORE];
        /** The store file's contents as of the last checkpoint (what it is sure to hold after a power cut). */
        byte[] forced;
        PageJournal open;

        Fixture() throws IOException {
            Files.write(store, state);
            assertThat(PageJournal.recover(store, journal, BYTES).created()).isTrue();
            forced = state.clone();
            open = PageJournal.open(journal);
        }

        /** One commit: its record (durable), then its writes into the store file, unforced. */
        void commit(PageJournal.Range... ranges) throws IOException {
            long size = state.length;
            for (PageJournal.Range r : ranges) {
                size = Math.max(size, r.offset() + r.length());
            }
            open.append(size, List.of(ranges));
            state = Arrays.copyOf(state, (int) size);
            for (PageJournal.Range r : ranges) {
                System.arraycopy(r.bytes(), r.from(), state, (int) r.offset(), r.length());
            }
            Files.write(store, state);
        }

        /** The store file is forced, then the journal starts a new generation. */
        void checkpoint() throws IOException {
            forced = state.clone();
            open.reset();
        }

        /** A crash: the journal as written, the store file as forced at the last checkpoint; then recovery. */
        int crashAndRecover(byte[] journalBytes) throws IOException {
            open.close();
            Files.write(journal, journalBytes);
            Files.write(store, forced);
            int applied = PageJournal.recover(store, journal, BYTES).applied();
            open = PageJournal.open(journal);
            forced = Files.readAllBytes(store);
            return applied;
        }

        byte[] journalBytes() throws IOException {
            return Files.readAllBytes(journal);
        }

        @Override
        public void close() throws IOException {
            if (open != null) {
                open.close();
            }
        }
    }

    @Test
    void recoveryAppliesEveryWholeRecordInOrder() throws IOException {
        try (Fixture f = new Fixture()) {
            f.commit(range(100, 1, 40), range(5000, 2, 10));
            f.commit(range(100, 3, 20), range(9000, 4, 4000));
            f.commit(range(110, 5, 4), range(STORE + 100, 6, 50));
            f.commit(range(8, 7, 8));
            byte[] expected = f.state;
            // the records count, not what the store file kept of its unforced writes: here, torn pages (bytes
            // that no record wrote are as forced at the last checkpoint)
            Arrays.fill(f.forced, 100, 140, (byte) 99);
            Arrays.fill(f.forced, 9500, 12000, (byte) 98);
            assertThat(f.crashAndRecover(f.journalBytes())).isEqualTo(4);
            assertThat(Files.readAllBytes(f.store)).isEqualTo(expected);
            assertThat(f.crashAndRecover(f.journalBytes())).as("a new generation began: nothing to apply").isZero();
            assertThat(Files.readAllBytes(f.store)).isEqualTo(expected);
        }
    }

    @Test
    void aTornLastRecordIsIgnored() throws IOException {
        try (Fixture f = new Fixture()) {
            f.commit(range(100, 1, 40));
            f.commit(range(200, 2, 40));
            byte[] afterTwo = f.state;
            byte[] before = f.journalBytes();
            f.commit(range(100, 3, 3000));
            byte[] after = f.journalBytes();
            int third = (int) FIRST + 2 * BLOCK;
            int length = 48 + 12 + 3000 + 4;
            // cut at its start, inside its head, after its head, in its entries, before its last byte; a process
            // killed while writing leaves a prefix
            for (int cut : new int[] {0, 10, 47, 48, 100, 1500, length - 1}) {
                byte[] torn = before.clone();
                System.arraycopy(after, third, torn, third, cut);
                assertThat(torn).isNotEqualTo(after);
                f.forced = afterTwo.clone();
                assertThat(f.crashAndRecover(torn)).as("cut at %d", cut).isEqualTo(2);
                assertThat(Files.readAllBytes(f.store)).as("cut at %d", cut).isEqualTo(afterTwo);
            }
            // a power cut may leave any of its sectors unwritten, the head's included, not only a suffix
            for (int hole : new int[] {0, 512, 1024, 2560}) {
                byte[] torn = after.clone();
                System.arraycopy(before, third + hole, torn, third + hole, 512);
                f.forced = afterTwo.clone();
                assertThat(f.crashAndRecover(torn)).as("sector at %d unwritten", hole).isEqualTo(2);
                assertThat(Files.readAllBytes(f.store)).isEqualTo(afterTwo);
            }
        }
    }

    @Test
    void recordsFromBeforeACheckpointAreNeverApplied() throws IOException {
        try (Fixture f = new Fixture()) {
            f.commit(range(100, 1, 40));
            f.commit(range(100, 2, 40), range(3000, 2, 40));
            f.commit(range(100, 3, 40));
            f.checkpoint();
            // records 2 and 3 stay in the file behind record 4, with the older generation and lower numbers
            f.commit(range(100, 4, 40));
            byte[] expected = f.state;
            byte[] journal = f.journalBytes();
            assertThat(head(journal, FIRST + BLOCK).getLong(20)).as("record 2 is still there").isEqualTo(2);
            assertThat(f.crashAndRecover(journal)).isEqualTo(1);
            assertThat(Files.readAllBytes(f.store)).isEqualTo(expected);

            // and with no record since the checkpoint, nothing is applied, whatever the store file holds
            f.commit(range(100, 5, 40));
            f.checkpoint();
            byte[] touched = f.state.clone();
            touched[100] = 42;
            f.forced = touched;
            assertThat(f.crashAndRecover(f.journalBytes())).isZero();
            assertThat(Files.readAllBytes(f.store)).isEqualTo(touched);
        }
    }

    @Test
    void aDamagedRecordFollowedByALaterOneIsReportedNotDropped() throws IOException {
        try (Fixture f = new Fixture()) {
            f.commit(range(100, 1, 40));
            f.commit(range(200, 2, 40));
            f.commit(range(300, 3, 40));
            f.commit(range(400, 4, 40));
            byte[] whole = f.journalBytes();
            long second = FIRST + BLOCK;
            // in its entries, in its head's sequence number, its last checksum byte, its magic
            for (long at : new long[] {second + 60, second + 21, second + 48 + 12 + 40 + 3, second}) {
                byte[] damaged = whole.clone();
                damaged[(int) at] ^= 0x10;
                f.open.close();
                Files.write(f.journal, damaged);
                Files.write(f.store, f.forced);
                assertThatThrownBy(() -> PageJournal.recover(f.store, f.journal, BYTES))
                        .as("damage at %d", at).isInstanceOf(StorageException.class)
                        .hasMessageContaining(f.journal.toString()).hasMessageContaining("commit 2")
                        .hasMessageContaining("commit 3");
                // nothing was applied: the store file is as it was
                assertThat(Files.readAllBytes(f.store)).isEqualTo(f.forced);
                f.open = PageJournal.open(f.journal);
            }
            // the same when the record after the damaged one is itself torn: its head proves it was started
            byte[] damaged = whole.clone();
            damaged[(int) second + 60] ^= 1;
            Arrays.fill(damaged, (int) (FIRST + 2L * BLOCK) + 60, (int) (FIRST + 3L * BLOCK), (byte) 0);
            Arrays.fill(damaged, (int) (FIRST + 3L * BLOCK), (int) (FIRST + 4L * BLOCK), (byte) 0);
            f.open.close();
            Files.write(f.journal, damaged);
            assertThatThrownBy(() -> PageJournal.recover(f.store, f.journal, BYTES))
                    .isInstanceOf(StorageException.class).hasMessageContaining(f.journal.toString());
            f.open = PageJournal.open(f.journal);
        }
    }

    @Test
    void checkpointResetsTheJournal() throws IOException {
        try (Fixture f = new Fixture()) {
            assertThat(f.open.pending()).isFalse();
            int commits = 0;
            while (!f.open.due()) {
                f.commit(range(100 + commits, commits, 10));
                commits++;
            }
            // three quarters of 64 KiB, less the two header blocks, in one block per record
            assertThat(commits).isEqualTo((int) ((BYTES - BYTES / 4 - FIRST) / BLOCK));
            assertThat(f.open.pending()).isTrue();
            f.checkpoint();
            assertThat(f.open.pending()).isFalse();
            assertThat(f.open.due()).isFalse();
            f.commit(range(100, 77, 10));
            byte[] journal = f.journalBytes();
            ByteBuffer first = head(journal, FIRST);
            assertThat(first.getLong(20)).as("the next record goes first, numbered on").isEqualTo(commits + 1);
            assertThat(head(journal, FIRST + BLOCK).getLong(20)).as("behind it, the old generation").isEqualTo(2);
            assertThat(first.getLong(12)).isEqualTo(head(journal, FIRST + BLOCK).getLong(12) + 1);
            byte[] expected = f.state;
            assertThat(f.crashAndRecover(journal)).isEqualTo(1);
            assertThat(Files.readAllBytes(f.store)).isEqualTo(expected);
        }
    }

    /** A commit larger than the journal grows it for that record; the checkpoint after it gives the space back. */
    @Test
    void aRecordLargerThanTheJournalGrowsItUntilTheCheckpoint() throws IOException {
        try (Fixture f = new Fixture()) {
            f.commit(range(100, 1, 40));
            List<PageJournal.Range> big = new ArrayList<>();
            for (int page = 0; page < 40; page++) {
                big.add(range(STORE + page * 4096L, page, 4096));
            }
            assertThat(f.open.fits(PageJournal.recordLength(big))).as("only after a checkpoint").isFalse();
            f.checkpoint();
            assertThat(f.open.fits(PageJournal.recordLength(big))).isTrue();
            f.commit(big.toArray(PageJournal.Range[]::new));
            assertThat(Files.size(f.journal)).isGreaterThan(BYTES + 100_000);
            assertThat(f.open.due()).isTrue();
            byte[] expected = f.state;
            byte[] grown = f.journalBytes();
            byte[] beforeBig = f.forced;
            f.checkpoint();
            assertThat(Files.size(f.journal)).isEqualTo(BYTES);
            // killed before that checkpoint: recovery applies the large record and shrinks the file
            f.forced = beforeBig;
            assertThat(f.crashAndRecover(grown)).isEqualTo(1);
            assertThat(Files.readAllBytes(f.store)).isEqualTo(expected);
            assertThat(Files.size(f.journal)).isEqualTo(BYTES);
        }
    }

    /**
     * A header torn by a power cut during a checkpoint leaves the other copy, which names the generation just
     * retired: its records are applied again, writing what the forced store file holds. But if records of the
     * newer generation exist, the newer header had been on disk and was damaged since: that is reported.
     */
    @Test
    void aDamagedHeaderFallsBackToTheOtherCopyOnlyWhenThatIsSafe() throws IOException {
        try (Fixture f = new Fixture()) {
            f.commit(range(100, 1, 40));
            f.commit(range(100, 2, 40));
            f.checkpoint();
            byte[] journal = f.journalBytes();
            int newer = head(journal, 0).getLong(12) > head(journal, BLOCK).getLong(12) ? 0 : BLOCK;
            journal[newer + 13] ^= 1;
            byte[] expected = f.state;
            assertThat(f.crashAndRecover(journal)).isEqualTo(2);
            assertThat(Files.readAllBytes(f.store)).isEqualTo(expected);

            f.checkpoint();
            f.commit(range(100, 3, 40));
            journal = f.journalBytes();
            newer = head(journal, 0).getLong(12) > head(journal, BLOCK).getLong(12) ? 0 : BLOCK;
            journal[newer + 13] ^= 1;
            f.open.close();
            Files.write(f.journal, journal);
            assertThatThrownBy(() -> PageJournal.recover(f.store, f.journal, BYTES))
                    .isInstanceOf(StorageException.class).hasMessageContaining(f.journal.toString());

            // both copies damaged, with records in the file
            journal[(newer ^ BLOCK) + 13] ^= 1;
            Files.write(f.journal, journal);
            assertThatThrownBy(() -> PageJournal.recover(f.store, f.journal, BYTES))
                    .isInstanceOf(StorageException.class).hasMessageContaining("both header copies");
            f.open = null;
        }
    }

    @Test
    void aJournalOfThePreviousFormatIsAppliedThenReplaced() throws IOException {
        Path store = dir.resolve("store");
        Path journal = dir.resolve("journal");
        Files.write(store, new byte[STORE]);
        byte[] change = new byte[30];
        Arrays.fill(change, (byte) 7);
        ByteBuffer legacy = ByteBuffer.allocate(24 + 12 + 30 + 4);
        legacy.putInt(0x42464A31).putInt(1).putLong(legacy.capacity()).putLong(STORE + 4096)
                .putLong(500).putInt(30).put(change);
        legacy.putInt(crc(legacy.array(), legacy.position()));
        Files.write(journal, legacy.array());
        assertThat(PageJournal.recover(store, journal, BYTES).applied()).isEqualTo(1);
        byte[] expected = new byte[STORE + 4096];
        System.arraycopy(change, 0, expected, 500, 30);
        assertThat(Files.readAllBytes(store)).isEqualTo(expected);
        assertThat(Files.size(journal)).isEqualTo(BYTES);
        PageJournal.open(journal).close();
        assertThat(PageJournal.recover(store, journal, BYTES).applied()).isZero();
        // the previous format blanked its magic once applied: such a journal holds nothing to apply
        legacy.putInt(0, 0);
        Files.write(journal, legacy.array());
        assertThat(PageJournal.recover(store, journal, BYTES).applied()).isZero();
    }

    /**
     * A process killed after recovery created the journal file but before its caller forced the directory leaves an
     * empty (or partly zeroed) journal whose name may not be durable. The next recovery initializes it; it must say
     * so, or the directory is never forced and a power cut may later lose the journal with acknowledged records.
     */
    @Test
    void aJournalLeftUninitializedByAKillAsksForItsDirectoryToBeForced() throws IOException {
        Path store = dir.resolve("store");
        Path journal = dir.resolve("journal");
        Files.write(store, new byte[STORE]);
        Files.write(journal, new byte[0]); // created, then killed before the headers (or the directory) were written
        assertThat(PageJournal.recover(store, journal, BYTES).created()).isTrue();
        Files.write(journal, new byte[BLOCK * 3]); // killed while preallocating with zeros
        assertThat(PageJournal.recover(store, journal, BYTES).created()).isTrue();
        PageJournal.open(journal).close();
        assertThat(PageJournal.recover(store, journal, BYTES).created()).isFalse(); // a valid header: nothing new
    }

    /**
     * Crash after crash, with commits of random sizes, random checkpoints, records torn at random sectors as a
     * power cut may leave them, and any part of the store file's unforced writes lost: every recovery must give
     * exactly the state after the last whole record, and never report damage that is not there.
     */
    @Test
    void randomCrashesAlwaysRecoverTheLastWholeCommit() throws IOException {
        long seed = Long.getLong("bftkit.seed", 20261122L);
        System.out.println("PageJournalTest seed " + seed + "; replay: mvn -B verify -pl storage-mapdb -am "
                + "-Dtest=PageJournalTest#randomCrashesAlwaysRecoverTheLastWholeCommit "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Dbftkit.seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        try (Fixture f = new Fixture()) {
            int tornApplied = 0;
            int tornIgnored = 0;
            for (int round = 0; round < 150; round++) {
                String what = "seed " + seed + " round " + round;
                int commits = r.nextInt(12);
                for (int c = 0; c < commits; c++) {
                    PageJournal.Range[] ranges = randomRanges(r, r.nextInt(10) == 0 ? 30 : 4);
                    if (!f.open.fits(PageJournal.recordLength(List.of(ranges))) || r.nextInt(15) == 0) {
                        f.checkpoint();
                    }
                    f.commit(ranges);
                    if (f.open.due()) {
                        f.checkpoint();
                    }
                }
                byte[] journal = f.journalBytes();
                byte[] expected = f.state;
                if (r.nextBoolean()) {
                    // one more record, cut short: any subset of its 512-byte sectors reached the disk
                    PageJournal.Range[] ranges = randomRanges(r, 4);
                    if (!f.open.fits(PageJournal.recordLength(List.of(ranges)))) {
                        f.checkpoint();
                    }
                    byte[] beforeState = f.state;
                    byte[] before = f.journalBytes();
                    f.commit(ranges);
                    byte[] after = f.journalBytes();
                    assertThat(after).hasSameSizeAs(before);
                    journal = before.clone();
                    boolean whole = true;
                    for (int s = 0; s < after.length; s += 512) {
                        if (r.nextInt(3) != 0) {
                            System.arraycopy(after, s, journal, s, Math.min(512, after.length - s));
                        } else {
                            whole &= Arrays.equals(before, s, Math.min(s + 512, before.length), after, s,
                                    Math.min(s + 512, after.length));
                        }
                    }
                    expected = whole ? f.state : beforeState;
                    if (whole) {
                        tornApplied++;
                    } else {
                        tornIgnored++;
                    }
                }
                // the store file keeps some of what was written since its last checkpoint (nothing of a record
                // that was not whole: the store is written only once its record is)
                byte[] kept = f.forced.clone();
                byte[] written = expected;
                kept = Arrays.copyOf(kept, Math.max(kept.length, r.nextBoolean() ? written.length : kept.length));
                for (int s = 0; s + 512 <= Math.min(kept.length, written.length); s += 512) {
                    if (r.nextBoolean()) {
                        System.arraycopy(written, s, kept, s, 512);
                    }
                }
                f.forced = kept;
                try {
                    f.crashAndRecover(journal);
                } catch (StorageException e) {
                    throw new AssertionError(what + ": a crash reported as damage: " + e, e);
                }
                assertThat(Files.readAllBytes(f.store)).as(what).isEqualTo(expected);
                f.state = expected;
            }
            System.out.println("PageJournalTest: torn records applied (all sectors written) " + tornApplied
                    + ", ignored " + tornIgnored);
            assertThat(tornIgnored).isPositive();
        }
    }

    private static PageJournal.Range[] randomRanges(SplittableRandom r, int most) {
        int n = 1 + r.nextInt(most);
        PageJournal.Range[] ranges = new PageJournal.Range[n];
        for (int i = 0; i < n; i++) {
            int length = 1 + r.nextInt(r.nextBoolean() ? 64 : 4096);
            long page = r.nextInt(r.nextInt(20) == 0 ? 40 : 16);
            int in = r.nextInt(4096 - length + 1);
            byte[] bytes = new byte[length];
            r.nextBytes(bytes);
            ranges[i] = new PageJournal.Range(page * 4096 + in, bytes, 0, length);
        }
        return ranges;
    }

    private static PageJournal.Range range(long offset, int fill, int length) {
        byte[] bytes = new byte[length + 3];
        Arrays.fill(bytes, (byte) (fill + 1));
        bytes[3] = (byte) (fill + 101);
        return new PageJournal.Range(offset, bytes, 3, length);
    }

    /** The bytes of a header or a record head at {@code at}. */
    private static ByteBuffer head(byte[] journal, long at) {
        return ByteBuffer.wrap(journal, (int) at, 48).slice();
    }

    private static int crc(byte[] b, int length) {
        CRC32C crc = new CRC32C();
        crc.update(b, 0, length);
        return (int) crc.getValue();
    }
}
