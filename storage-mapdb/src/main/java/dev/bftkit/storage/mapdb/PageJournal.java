package dev.bftkit.storage.mapdb;

import dev.bftkit.api.StorageException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The store file's commit log: an append-only file of checksummed, numbered records, one per MapDB commit, each
 * holding every byte range the commit changed in the store file. Appending a record is the commit point, and the
 * only forced write of a commit; the store file is written afterwards and forced only at a checkpoint.
 *
 * <h2>Layout</h2>
 *
 * Two header copies, in the first two 4 KiB blocks, each: a magic number, the journal's id, a generation, the
 * sequence number of the generation's first record, a CRC32C. Records follow from byte 8192, each starting on a 4
 * KiB boundary: a 48-byte head (magic, journal id, generation, sequence number, the store file's length after the
 * commit, entry count, record length, a CRC32C of the head), the entries (offset, length, bytes), and a CRC32C of the
 * whole record. Sequence numbers count commits over the store's life and never repeat; a generation is the run of
 * records between two checkpoints. The file is preallocated ({@value #DEFAULT_BYTES} bytes, written with zeros).
 *
 * <h2>Commit, checkpoint, recovery</h2>
 *
 * <ul>
 *   <li><b>Commit</b> ({@link #append}): the record is written at the end of the generation's records, through a
 *       file opened with {@code "rwd"} ({@code O_DSYNC}): the write returns once the device holds the record.
 *       Only then are the changes written into the store file, not forced. Reads use the store file, so they see
 *       every commit.</li>
 *   <li><b>Checkpoint</b> (the caller forces the store file, then {@link #reset}): once the generation's records
 *       reach three quarters of the file, after a record that grew the file, and when the store is closed, the
 *       store file is forced; then a new header (next generation, the next sequence number) is written over the
 *       older of the two copies, synchronously, and new records start again at byte 8192, over the old ones.
 *       Every record takes at least one 4 KiB block, so with the default size a generation holds at most 190
 *       commits (a 4-put batch of small values takes one block): the store file is forced at least once every 190
 *       commits, and a commit costs one forced write plus a small share of a checkpoint's two.</li>
 *   <li><b>Recovery</b> ({@link #recover}, before MapDB opens the store): the newest valid header names the
 *       generation and its first sequence number; records are read from byte 8192 while each is whole (both
 *       checksums), of this journal (its id) and generation, and numbered one more than the last. They are applied
 *       to the store file in order, the file is forced, and a new generation starts, so that every process writes
 *       records after a header that describes them. A record that fails any check ends the run.</li>
 * </ul>
 *
 * <h2>Why a failed record may end recovery, and when it may not</h2>
 *
 * Record <i>n</i>+1 is written only after the write of record <i>n</i> returned, that is once <i>n</i> was on the
 * device. So a record that fails its checks is one of two things. If no later record of this generation was
 * started, it is the last one written, and the process died (or the power failed) while it was being written: its
 * write never returned, the batch was never acknowledged, and nothing of it reached the store file (the store is
 * written only after the record); ending recovery there loses nothing that was promised. If a later record was
 * started, the failed one had been whole on the device and was damaged afterwards, and the later records may
 * have been acknowledged: ending there would silently drop acknowledged batches and leave the store file with
 * their unforced writes half applied. Recovery therefore looks at every later 4 KiB boundary of the file for the
 * head of a record (checked by its own CRC32C) of this journal with a sequence number at least the missing one and
 * a generation at least the header's (at the failed record's own place, only a newer generation or a higher number
 * counts, since that is where the torn record itself sits); finding one is a {@link StorageException} naming the
 * journal, not a truncation. A damaged last record is indistinguishable from a torn one; that one case loses the
 * last batch, as in any log that checks its tail.
 *
 * <p>Stale records are never applied. Records of older generations stay in the file behind the current ones (a
 * reset rewrites only the header); they carry an older generation and lower sequence numbers, so the run stops at
 * the first of them and the later-record search ignores them. Records start on 4 KiB boundaries, so a stored value
 * can reach the file only inside a record's entries, never where a head is looked for, and the random 64-bit
 * journal id in every head keeps a value crafted to look like a record (peers' messages are stored) from passing.
 *
 * <h2>Power loss</h2>
 *
 * The crash test kills processes, which keeps the operating system's page cache; a power cut loses it. The order
 * of writes is chosen for the power cut:
 * <ul>
 *   <li>A record write returns only when the device holds it ({@code O_DSYNC}, the same as {@code fdatasync}, or
 *       {@link FileChannel#force force(false)}): the data, and the file metadata needed to read it back. The
 *       journal is preallocated by writing zeros, not by extending it sparsely or with {@code fallocate}, so a
 *       record that fits changes neither the file's length nor its block map; only its modification time changes,
 *       which recovery never needs. So forcing the data alone is complete, and it spares the file system's own
 *       journal commit that {@code force(true)} would add. A record too large for the file grows it, and that
 *       write is followed by a full {@code force(true)} for the new length.</li>
 *   <li>The store file is written after its record is on the device and forced only at checkpoints. After a
 *       power cut any subset of those writes may be on the disk, pages torn included; recovery rewrites every
 *       range written since the last checkpoint, in commit order, so what survived does not matter. Whatever was
 *       written before the checkpoint is on the disk, because the checkpoint forced the store file before it
 *       wrote the header that retires those records.</li>
 *   <li>A new header is on the device before any record of its generation is written. If the power fails while
 *       the header is written, the header may be torn; the other copy, in another 4 KiB block, is then the newest
 *       valid one, and it describes the generation just retired, whose records are all still in the file (nothing
 *       overwrote them yet) and all in the forced store file: applying them again writes what the store file
 *       already holds.</li>
 *   <li>Every record starts on a fresh 4 KiB block, so appending never rewrites a block (or, on a drive with 4
 *       KiB physical sectors, a sector) that holds part of an acknowledged record: a torn append cannot damage the
 *       records before it.</li>
 *   <li>The journal file and its name are forced when it is created (by {@link MapDbStorage}).</li>
 * </ul>
 * No test cuts the power; this reasoning, and the unit tests that recover from journals cut at chosen places, stand
 * in for one. It assumes the device honours cache flushes, as any durable store must.
 *
 * <p>Not thread-safe: {@code JournaledVolume} calls it under its own lock.
 */
final class PageJournal implements AutoCloseable {
    /** The journal's size when it holds no more than its preallocated space: 1 MiB. */
    static final long DEFAULT_BYTES = 1L << 20;
    /** The most bytes one change in a record carries: one page of the store file. */
    static final int PAGE = 4096;
    /** The alignment of headers and records. */
    static final int BLOCK = 4096;
    /** Where the first record starts, after the two header copies. */
    static final long RECORDS = 2L * BLOCK;
    /** The smallest preallocated size: room for a few records. */
    static final long MIN_BYTES = RECORDS + 4L * BLOCK;

    private static final int HEADER_MAGIC = 0x42464A48; // "BFJH"
    private static final int RECORD_MAGIC = 0x42464A52; // "BFJR"
    /** The previous format: one commit's changes at the start of the file, its magic blanked once applied. */
    private static final int LEGACY_MAGIC = 0x42464A31; // "BFJ1"
    private static final int HEADER = 4 + 8 + 8 + 8 + 4;
    private static final int HEAD = 4 + 8 + 8 + 8 + 8 + 4 + 4 + 4;
    private static final int ENTRY = 8 + 4;
    private static final long MAX_OFFSET = 1L << 48;

    private final Path path;
    /** Opened {@code "rwd"}: every write reaches the device before it returns. A RandomAccessFile, not a
     * FileChannel: an interrupt must not close it under a writing thread. */
    private final RandomAccessFile file;
    private final long id;
    private final long preallocated;
    private long generation;
    private int slot;
    private long nextSeq;
    private long at = RECORDS;
    private long length;
    private int records;
    /** The last record's buffer, reused for the next one unless it is larger than the preallocated space. */
    private byte[] buffer = new byte[0];

    /** One changed range of the store file: {@code length} bytes of {@code bytes} from {@code from}. */
    record Range(long offset, byte[] bytes, int from, int length) {
    }

    /**
     * What {@link #recover} did: whether it created or initialized the journal (its name may not be durable yet, so
     * the caller must force its directory), and how many records it applied.
     */
    record Recovered(boolean created, int applied) {
    }

    private record Header(int slot, long id, long generation, long base) {
    }

    private record Head(long id, long generation, long seq, long fileSize, int count, int length) {
    }

    /** A whole record's contents: the store file's length after the commit, and its changes. */
    private record Commit(long fileSize, List<Range> ranges) {
    }

    private PageJournal(Path path, RandomAccessFile file, Header header, long length) {
        this.path = path;
        this.file = file;
        this.id = header.id();
        this.generation = header.generation();
        this.slot = header.slot();
        this.nextSeq = header.base();
        this.length = length;
        this.preallocated = length;
    }

    /**
     * Opens a journal that {@link #recover} has prepared, to append records after its newest header.
     *
     * @param path the journal file
     * @return the journal, positioned at its first record
     * @throws IOException if it cannot be opened or has no valid header
     */
    static PageJournal open(Path path) throws IOException {
        RandomAccessFile f = new RandomAccessFile(path.toFile(), "rwd");
        try {
            byte[] a = new byte[HEADER];
            byte[] b = new byte[HEADER];
            f.seek(0);
            f.readFully(a);
            f.seek(BLOCK);
            f.readFully(b);
            Header h = newest(header(a, 0), header(b, 1));
            if (h == null) {
                throw new IOException("the journal has no valid header (it is prepared when the store opens): " + path);
            }
            return new PageJournal(path, f, h, f.length());
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /**
     * @param ranges a commit's changes
     * @return the length of their record
     */
    static long recordLength(List<Range> ranges) {
        long n = HEAD + Integer.BYTES;
        for (Range r : ranges) {
            n += ENTRY + r.length();
        }
        return n;
    }

    /**
     * @param recordLength a record's length
     * @return whether it fits after the generation's records; a record that does not fit in an empty generation
     *     grows the file, so after a checkpoint every record fits
     */
    boolean fits(long recordLength) {
        return at == RECORDS || at + recordLength <= length;
    }

    /** @return whether a checkpoint is due: three quarters of the preallocated space used, or the file grown */
    boolean due() {
        return at >= preallocated - preallocated / 4 || length > preallocated;
    }

    /** @return whether records were appended since the last checkpoint */
    boolean pending() {
        return records > 0;
    }

    /**
     * Appends one commit's record. When this returns the record is on the device: the commit is durable, and its
     * changes may be written into the store file.
     *
     * @param fileSize the store file's length after the commit
     * @param ranges the commit's changes
     * @throws IOException if the record cannot be written or is too large
     */
    void append(long fileSize, List<Range> ranges) throws IOException {
        long n = recordLength(ranges);
        if (n > Integer.MAX_VALUE - BLOCK) {
            throw new IOException("a commit of " + n + " bytes is too large for the journal " + path);
        }
        if (buffer.length < n) {
            buffer = new byte[(int) n];
        }
        ByteBuffer out = ByteBuffer.wrap(buffer, 0, (int) n);
        out.putInt(RECORD_MAGIC).putLong(id).putLong(generation).putLong(nextSeq).putLong(fileSize)
                .putInt(ranges.size()).putInt((int) n);
        out.putInt(crc(out.array(), 0, out.position()));
        for (Range r : ranges) {
            out.putLong(r.offset()).putInt(r.length()).put(r.bytes(), r.from(), r.length());
        }
        out.putInt(crc(out.array(), 0, out.position()));
        file.seek(at);
        file.write(buffer, 0, (int) n);
        if (buffer.length > preallocated) {
            buffer = new byte[0];
        }
        if (at + n > length) {
            // the file grew: its length is metadata, which "rwd" need not force
            file.getFD().sync();
            length = file.length();
        }
        at += align(n);
        nextSeq++;
        records++;
    }

    /**
     * Starts a new generation: writes the next header over the older copy, on the device when this returns, and
     * appends from the first record's place again; gives back space a large record added. The caller must have
     * forced the store file first: the new header retires every record before it.
     *
     * @throws IOException if the header cannot be written
     */
    void reset() throws IOException {
        int next = 1 - slot;
        file.seek((long) next * BLOCK);
        file.write(header(id, generation + 1, nextSeq).array());
        slot = next;
        generation++;
        at = RECORDS;
        records = 0;
        if (length > preallocated) {
            file.setLength(preallocated);
            file.getFD().sync();
            length = preallocated;
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Brings the store file to the state after its last durable commit and prepares the journal for appending:
     * creates and preallocates it if absent (or of the previous format, after applying that), else applies its
     * records as described above, forces the store file, and starts a new generation.
     *
     * @param store the store file (it must exist if there is anything to apply)
     * @param path the journal
     * @param bytes the journal's preallocated size
     * @return whether the journal was created or initialized (its directory must then be forced) and how many
     *     records were applied
     * @throws IOException if the files cannot be read or written
     * @throws StorageException if the journal proves that acknowledged commits were damaged
     */
    static Recovered recover(Path store, Path path, long bytes) throws IOException {
        if (bytes < MIN_BYTES || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("journal size out of range: " + bytes);
        }
        try (FileChannel j = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long size = j.size();
            Header h = newest(header(read(j, 0, HEADER, size), 0), header(read(j, BLOCK, HEADER, size), 1));
            if (h == null) {
                requireNoRecord(j, path, size);
                boolean legacy = applyLegacy(store, j, size);
                initialize(j, bytes);
                // initialized, whether or not this call created the file: a process killed between creating it and
                // forcing its directory leaves a journal with no valid header whose name may not be durable yet
                return new Recovered(true, legacy ? 1 : 0);
            }
            List<Commit> run = new ArrayList<>();
            long expected = h.base();
            long pos = RECORDS;
            for (Commit c; (c = record(j, pos, size, h, expected)) != null; pos += align(recordLength(c.ranges()))) {
                run.add(c);
                expected++;
            }
            requireNothingLater(j, path, size, h, pos, expected);
            if (!run.isEmpty()) {
                try (FileChannel out = FileChannel.open(store, StandardOpenOption.WRITE)) {
                    for (Commit c : run) {
                        apply(out, c);
                    }
                    out.force(true);
                }
            }
            write(j, header(h.id(), h.generation() + 1, expected), (long) (1 - h.slot()) * BLOCK);
            j.force(false);
            if (size > bytes) {
                j.truncate(bytes);
                j.force(true);
            } else if (size < bytes) {
                zeros(j, size, bytes);
                j.force(true);
            }
            return new Recovered(false, run.size());
        }
    }

    /** @return the record at {@code pos} if it is whole, of this journal and generation, and numbered {@code seq} */
    private static Commit record(FileChannel j, long pos, long size, Header h, long seq) throws IOException {
        Head head = head(j, pos, size);
        if (head == null || head.id() != h.id() || head.generation() != h.generation() || head.seq() != seq
                || head.length() < HEAD + Integer.BYTES || head.length() > size - pos || head.count() < 0
                || head.fileSize() < 0 || head.fileSize() > MAX_OFFSET) {
            return null;
        }
        byte[] r = read(j, pos, head.length(), size);
        int end = r.length - Integer.BYTES;
        if (ByteBuffer.wrap(r).getInt(end) != crc(r, 0, end)) {
            return null;
        }
        List<Range> ranges = entries(r, HEAD, end, head.count());
        return ranges == null ? null : new Commit(head.fileSize(), ranges);
    }

    /** @return the {@code count} entries that fill {@code b} from {@code from} to {@code end} exactly, or null */
    private static List<Range> entries(byte[] b, int from, int end, int count) {
        ByteBuffer in = ByteBuffer.wrap(b, from, end - from);
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (in.remaining() < ENTRY) {
                return null;
            }
            long offset = in.getLong();
            int n = in.getInt();
            if (offset < 0 || offset > MAX_OFFSET || n < 0 || n > PAGE || in.remaining() < n) {
                return null;
            }
            ranges.add(new Range(offset, b, in.position(), n));
            in.position(in.position() + n);
        }
        return in.hasRemaining() ? null : ranges;
    }

    /**
     * Fails if a record was started after the place where the run of records ended, which proves that the record
     * there had been on the device (see the class comment).
     */
    private static void requireNothingLater(FileChannel j, Path path, long size, Header h, long end, long expected)
            throws IOException {
        for (long pos = end; pos + HEAD <= size; pos += BLOCK) {
            Head head = head(j, pos, size);
            if (head != null && head.id() == h.id() && head.seq() >= expected && head.generation() >= h.generation()
                    && !(pos == end && head.generation() == h.generation() && head.seq() == expected)) {
                throw new StorageException("journal damaged: " + path + ": commit " + expected + " (at byte " + end
                        + ") fails its checksum or is missing, but commit " + head.seq() + " (generation "
                        + head.generation() + ", at byte " + pos + ") was written after it was on disk and may have "
                        + "been acknowledged; refusing to drop it");
            }
        }
    }

    /** Without a valid header there must be no record either: both header copies damaged is not a fresh journal. */
    private static void requireNoRecord(FileChannel j, Path path, long size) throws IOException {
        for (long pos = RECORDS; pos + HEAD <= size; pos += BLOCK) {
            if (head(j, pos, size) != null) {
                throw new StorageException("journal damaged: " + path + ": both header copies fail their checksums "
                        + "but it holds records (the first at byte " + pos + ")");
            }
        }
    }

    /** Writes a commit's changes into the store file, growing it to the commit's length first. */
    private static void apply(FileChannel out, Commit c) throws IOException {
        if (out.size() < c.fileSize()) {
            write(out, ByteBuffer.allocate(1), c.fileSize() - 1);
        }
        for (Range r : c.ranges()) {
            write(out, ByteBuffer.wrap(r.bytes(), r.from(), r.length()), r.offset());
        }
    }

    /** Fills the file with zeros (real blocks, not a sparse file) and writes two valid header copies. */
    private static void initialize(FileChannel j, long bytes) throws IOException {
        zeros(j, 0, bytes);
        j.truncate(bytes);
        long id = new SecureRandom().nextLong();
        write(j, header(id, 1, 1), 0);
        write(j, header(id, 0, 1), BLOCK);
        j.force(true);
    }

    /**
     * Applies a journal of the previous format (one commit, forced before the store file was written; blanked
     * once applied) if it holds a whole one, and forces the store file.
     */
    private static boolean applyLegacy(Path store, FileChannel j, long size) throws IOException {
        final int legacyHeader = 4 + 4 + 8 + 8;
        if (size < legacyHeader + Integer.BYTES || size > Integer.MAX_VALUE || !Files.isRegularFile(store)) {
            return false;
        }
        // the header first, so that only a length it states and the file holds is read into memory
        ByteBuffer head = ByteBuffer.wrap(read(j, 0, legacyHeader, size));
        if (head.getInt() != LEGACY_MAGIC) {
            return false;
        }
        int count = head.getInt();
        long length = head.getLong();
        long fileSize = head.getLong();
        if (count < 0 || length < legacyHeader + Integer.BYTES || length > size || fileSize < 0
                || fileSize > MAX_OFFSET) {
            return false;
        }
        ByteBuffer all = ByteBuffer.wrap(read(j, 0, (int) length, size)).position(legacyHeader);
        int end = (int) length - Integer.BYTES;
        if (all.getInt(end) != crc(all.array(), 0, end)) {
            return false;
        }
        List<Range> ranges = entries(all.array(), all.position(), end, count);
        if (ranges == null) {
            return false;
        }
        try (FileChannel out = FileChannel.open(store, StandardOpenOption.WRITE)) {
            apply(out, new Commit(fileSize, ranges));
            out.force(true);
        }
        return true;
    }

    // ---------------------------------------------------------------- format

    private static ByteBuffer header(long id, long generation, long base) {
        ByteBuffer b = ByteBuffer.allocate(HEADER);
        b.putInt(HEADER_MAGIC).putLong(id).putLong(generation).putLong(base);
        b.putInt(crc(b.array(), 0, b.position()));
        return b.flip();
    }

    /** @return the header in these bytes, or null if they are not a valid one */
    private static Header header(byte[] b, int slot) {
        ByteBuffer in = ByteBuffer.wrap(b);
        if (in.getInt(0) != HEADER_MAGIC || in.getInt(HEADER - Integer.BYTES) != crc(b, 0, HEADER - Integer.BYTES)) {
            return null;
        }
        long generation = in.getLong(12);
        long base = in.getLong(20);
        return generation < 0 || base < 1 ? null : new Header(slot, in.getLong(4), generation, base);
    }

    private static Header newest(Header a, Header b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return b.generation() > a.generation() ? b : a;
    }

    /** @return the record head at {@code pos} if its magic and checksum hold, else null */
    private static Head head(FileChannel j, long pos, long size) throws IOException {
        if (pos + HEAD > size) {
            return null;
        }
        byte[] b = read(j, pos, HEAD, size);
        ByteBuffer in = ByteBuffer.wrap(b);
        if (in.getInt() != RECORD_MAGIC || in.getInt(HEAD - Integer.BYTES) != crc(b, 0, HEAD - Integer.BYTES)) {
            return null;
        }
        return new Head(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getInt(), in.getInt());
    }

    private static long align(long n) {
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static int crc(byte[] b, int from, int to) {
        CRC32C crc = new CRC32C();
        crc.update(b, from, to - from);
        return (int) crc.getValue();
    }

    /** @return {@code n} bytes from {@code pos}, zeros past the end of the file */
    private static byte[] read(FileChannel j, long pos, int n, long size) throws IOException {
        byte[] b = new byte[n];
        ByteBuffer buf = ByteBuffer.wrap(b, 0, (int) Math.max(0, Math.min(n, size - pos)));
        while (buf.hasRemaining()) {
            if (j.read(buf, pos + buf.position()) < 0) {
                break;
            }
        }
        return b;
    }

    private static void write(FileChannel out, ByteBuffer b, long pos) throws IOException {
        long at = pos;
        while (b.hasRemaining()) {
            at += out.write(b, at);
        }
    }

    private static void zeros(FileChannel j, long from, long to) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
        for (long pos = from; pos < to; pos += zeros.capacity()) {
            write(j, zeros.clear().limit((int) Math.min(zeros.capacity(), to - pos)), pos);
        }
    }
}
