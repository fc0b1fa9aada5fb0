package dev.bftkit.storage.mapdb;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.mapdb.DBException;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * The store file as MapDB sees it, with every change between two syncs kept in memory and made atomic on the sync
 * by a page journal.
 *
 * <p>Why: MapDB 3.1.0's write-ahead log holds the records of a transaction, but its commit writes the index table
 * and the free-space lists straight into the store file after the log is committed, and replaying the log does not
 * restore them. A process killed during that step leaves a store whose free lists or index point at the wrong
 * places (this module's crash test found it within a few dozen kills). Here nothing reaches the store file before
 * MapDB syncs it at the end of a commit; the sync first writes the changed byte ranges, with a CRC32C, to the
 * journal file and forces it, then writes them into the store file and forces that. {@link #recover} applies a
 * complete journal when the store is opened, so the store file always shows the state after a whole commit. Once
 * applied, a journal's header is blanked; the next sync overwrites it in place. A torn new journal fails its
 * checksum and is ignored (the store file was not touched yet), and applying the last complete one again, should
 * the blanking be lost, is harmless because the store file changes only through the journal.
 *
 * <p>Reads see the pending changes. Unchanged pages of the store file are cached ({@value #CLEAN_PAGES} of them),
 * and multi-byte fields are read and written in one call rather than a byte at a time: MapDB reads index entries
 * and free lists eight bytes at a time. All methods are synchronized, as in MapDB's own file volume.
 */
final class JournaledVolume extends Volume {
    /** The unit of change tracking and caching. */
    static final int PAGE = 4096;
    /** Unchanged pages of the store file kept in memory (2 MiB), so that MapDB's many small reads are not calls. */
    static final int CLEAN_PAGES = 512;

    private static final int MAGIC = 0x42464A31; // "BFJ1"
    private static final int HEADER = 4 + 4 + 8 + 8;
    private static final int ENTRY_HEADER = 8 + 4;
    private static final long MAX_OFFSET = 1L << 48;

    private final Volume file;
    private final Path journalPath;
    /** Null for a MapDB log file, whose syncs write the pages without a journal and without forcing them. */
    private final RandomAccessFile journal;
    private final TreeMap<Long, Page> dirty = new TreeMap<>();
    /** Null for a log file, which is read back little. */
    private final LinkedHashMap<Long, byte[]> clean;
    /** The file's length as last seen. */
    private long fileLength;
    /** The length MapDB asked for; the file grows to it on the next sync, and reads beyond the file see zeros. */
    private long wanted;
    private boolean abandoned;

    /** A page with pending changes in {@code [lo, hi)}. */
    private static final class Page {
        final byte[] bytes = new byte[PAGE];
        int lo = PAGE;
        int hi;
    }

    /**
     * @param file the store file's volume, which this one writes only when synced
     * @param journalPath the journal file, created if absent
     * @throws IOException if the journal cannot be opened
     */
    JournaledVolume(Volume file, Path journalPath) throws IOException {
        this.file = file;
        this.journalPath = journalPath;
        // a RandomAccessFile, not a FileChannel: an interrupt must not close it under a writing thread
        this.journal = new RandomAccessFile(journalPath.toFile(), "rw");
        this.fileLength = file.length();
        this.clean = new LinkedHashMap<>(CLEAN_PAGES * 2, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                return size() > CLEAN_PAGES;
            }
        };
    }

    private JournaledVolume(Volume file) {
        this.file = file;
        this.journalPath = null;
        this.journal = null;
        this.clean = null;
        this.fileLength = file.length();
    }

    /**
     * A MapDB write-ahead log file: changes are kept in pages and written out on a sync, in a few large writes
     * instead of one system call per field, and not forced. The store never replays MapDB's log (it removes it on
     * open, see {@link MapDbStorage}), so forcing it would buy nothing; within the process MapDB reads it back
     * from these pages or the file.
     *
     * @param file the log file's volume
     * @return the buffered volume
     */
    static JournaledVolume log(Volume file) {
        return new JournaledVolume(file);
    }

    /**
     * Applies the journal to the store file if it holds a complete, intact set of changes. Called before MapDB
     * opens the store.
     *
     * @param store the store file
     * @param journalPath its journal
     * @return true if changes were applied
     * @throws IOException if the files cannot be read or written
     */
    static boolean recover(Path store, Path journalPath) throws IOException {
        if (!Files.isRegularFile(journalPath) || !Files.isRegularFile(store)) {
            return false;
        }
        Changes changes = read(journalPath);
        if (changes == null) {
            return false;
        }
        try (FileChannel out = FileChannel.open(store, StandardOpenOption.WRITE)) {
            if (out.size() < changes.fileSize()) {
                out.write(ByteBuffer.allocate(1), changes.fileSize() - 1);
            }
            for (Map.Entry<Long, byte[]> c : changes.byOffset().entrySet()) {
                ByteBuffer b = ByteBuffer.wrap(c.getValue());
                long at = c.getKey();
                while (b.hasRemaining()) {
                    at += out.write(b, at);
                }
            }
            out.force(true);
        }
        return true;
    }

    /** A journal's contents: the bytes to write by offset, and the length the file must have at least. */
    private record Changes(Map<Long, byte[]> byOffset, long fileSize) {
    }

    /** @return the journal's changes, or null if it is empty, torn or not a journal */
    private static Changes read(Path journalPath) throws IOException {
        long size = Files.size(journalPath);
        if (size < HEADER + Integer.BYTES || size > Integer.MAX_VALUE) {
            return null;
        }
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(journalPath));
        if (all.getInt() != MAGIC) {
            return null;
        }
        int count = all.getInt();
        long length = all.getLong();
        long fileSize = all.getLong();
        if (count < 0 || length < HEADER + Integer.BYTES || length > all.capacity() || fileSize < 0
                || fileSize > MAX_OFFSET) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(all.array(), 0, (int) length - Integer.BYTES);
        if (all.getInt((int) length - Integer.BYTES) != (int) crc.getValue()) {
            return null;
        }
        Map<Long, byte[]> changes = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            if (all.position() + ENTRY_HEADER > length - Integer.BYTES) {
                return null;
            }
            long offset = all.getLong();
            int n = all.getInt();
            if (offset < 0 || offset > MAX_OFFSET || n < 0 || n > PAGE || all.position() + n > length - Integer.BYTES) {
                return null;
            }
            byte[] bytes = new byte[n];
            all.get(bytes);
            changes.put(offset, bytes);
        }
        return all.position() == length - Integer.BYTES ? new Changes(changes, fileSize) : null;
    }

    // ---------------------------------------------------------------- writes: into pages

    @Override
    public synchronized void putData(long offset, byte[] src, int srcPos, int srcSize) {
        long at = offset;
        int done = 0;
        while (done < srcSize) {
            long pageNo = at / PAGE;
            int in = (int) (at - pageNo * PAGE);
            int n = Math.min(PAGE - in, srcSize - done);
            Page p = page(pageNo);
            System.arraycopy(src, srcPos + done, p.bytes, in, n);
            p.lo = Math.min(p.lo, in);
            p.hi = Math.max(p.hi, in + n);
            at += n;
            done += n;
        }
    }

    @Override
    public void putData(long offset, ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        putData(offset, bytes, 0, bytes.length);
    }

    @Override
    public void putLong(long offset, long value) {
        putData(offset, ByteBuffer.allocate(Long.BYTES).putLong(value).array(), 0, Long.BYTES);
    }

    @Override
    public void putInt(long offset, int value) {
        putData(offset, ByteBuffer.allocate(Integer.BYTES).putInt(value).array(), 0, Integer.BYTES);
    }

    /** MapDB writes its log's headers and packed numbers a byte at a time: straight into the page. */
    @Override
    public synchronized void putByte(long offset, byte value) {
        long pageNo = offset / PAGE;
        int in = (int) (offset - pageNo * PAGE);
        Page p = page(pageNo);
        p.bytes[in] = value;
        p.lo = Math.min(p.lo, in);
        p.hi = Math.max(p.hi, in + 1);
    }

    @Override
    public void putUnsignedByte(long offset, int value) {
        putByte(offset, (byte) value);
    }

    @Override
    public void putSixLong(long pos, long value) {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        putData(pos, b, 0, 6);
    }

    @Override
    public void putUnsignedShort(long offset, int value) {
        putData(offset, new byte[] {(byte) (value >>> 8), (byte) value}, 0, 2);
    }

    @Override
    public synchronized void clear(long startOffset, long endOffset) {
        byte[] zeros = new byte[PAGE];
        for (long at = startOffset; at < endOffset; at += PAGE) {
            putData(at, zeros, 0, (int) Math.min(PAGE, endOffset - at));
        }
    }

    private Page page(long pageNo) {
        Page p = dirty.get(pageNo);
        if (p == null) {
            p = new Page();
            readFile(pageNo * PAGE, p.bytes, 0, PAGE);
            if (clean != null) {
                clean.remove(pageNo);
            }
            dirty.put(pageNo, p);
        }
        return p;
    }

    // ---------------------------------------------------------------- reads: pages first, then the file

    @Override
    public synchronized void getData(long offset, byte[] dst, int dstPos, int size) {
        long end = offset + size;
        long at = offset;
        while (at < end) {
            long pageNo = at / PAGE;
            Page p = dirty.get(pageNo);
            if (p != null) {
                long stop = Math.min(end, (pageNo + 1) * PAGE);
                System.arraycopy(p.bytes, (int) (at - pageNo * PAGE), dst, dstPos + (int) (at - offset),
                        (int) (stop - at));
                at = stop;
            } else {
                Long next = dirty.higherKey(pageNo);
                long stop = next == null ? end : Math.min(end, next * PAGE);
                readFile(at, dst, dstPos + (int) (at - offset), (int) (stop - at));
                at = stop;
            }
        }
    }

    /** Reads unchanged bytes, through the clean-page cache for the store file. */
    private void readFile(long offset, byte[] dst, int dstPos, int size) {
        if (clean == null || size > 4 * PAGE) {
            // clean pages hold what the file holds, so a large read (a big value) may bypass them
            readRaw(offset, dst, dstPos, size);
            return;
        }
        long at = offset;
        while (at < offset + size) {
            long pageNo = at / PAGE;
            byte[] page = clean.get(pageNo);
            if (page == null) {
                page = new byte[PAGE];
                readRaw(pageNo * PAGE, page, 0, PAGE);
                clean.put(pageNo, page);
            }
            int in = (int) (at - pageNo * PAGE);
            int n = (int) Math.min(PAGE - in, offset + size - at);
            System.arraycopy(page, in, dst, dstPos + (int) (at - offset), n);
            at += n;
        }
    }

    /** Reads from the file; past its end reads zeros, as a grown file would. */
    private void readRaw(long offset, byte[] dst, int dstPos, int size) {
        int n = (int) Math.max(0, Math.min(size, fileLength - offset));
        if (n > 0) {
            file.getData(offset, dst, dstPos, n);
        }
        for (int i = dstPos + n; i < dstPos + size; i++) {
            dst[i] = 0;
        }
    }

    private byte[] bytes(long offset, int size) {
        byte[] b = new byte[size];
        getData(offset, b, 0, size);
        return b;
    }

    @Override
    public long getLong(long offset) {
        return ByteBuffer.wrap(bytes(offset, Long.BYTES)).getLong();
    }

    @Override
    public int getInt(long offset) {
        return ByteBuffer.wrap(bytes(offset, Integer.BYTES)).getInt();
    }

    @Override
    public byte getByte(long offset) {
        return bytes(offset, 1)[0];
    }

    @Override
    public long getSixLong(long pos) {
        byte[] b = bytes(pos, 6);
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | b[i] & 0xFF;
        }
        return v;
    }

    @Override
    public int getUnsignedShort(long offset) {
        byte[] b = bytes(offset, 2);
        return (b[0] & 0xFF) << 8 | b[1] & 0xFF;
    }

    @Override
    public int getUnsignedByte(long offset) {
        return getByte(offset) & 0xFF;
    }

    /** Reads up to ten bytes at once; the result carries the bytes used in its top four bits, as MapDB's does. */
    @Override
    public synchronized long getPackedLong(long position) {
        int size = (int) Math.max(0, Math.min(10, length() - position));
        byte[] b = bytes(position, size);
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = value << 7 | b[i] & 0x7F;
            if ((b[i] & 0x80) != 0) {
                return (long) (i + 1) << 60 | value;
            }
        }
        return super.getPackedLong(position);
    }

    @Override
    public DataInput2 getDataInput(long offset, int size) {
        return new DataInput2.ByteArray(bytes(offset, size));
    }

    // ---------------------------------------------------------------- size, sync, close

    @Override
    public synchronized void ensureAvailable(long offset) {
        wanted = Math.max(wanted, offset);
    }

    @Override
    public synchronized void truncate(long size) {
        if (clean != null) {
            clean.clear();
        }
        dirty.tailMap(size / PAGE, false).clear();
        Page last = dirty.get(size / PAGE);
        if (last != null) {
            int keep = (int) (size - size / PAGE * PAGE);
            last.hi = Math.min(last.hi, keep);
            if (last.lo >= last.hi) {
                dirty.remove(size / PAGE);
            }
        }
        file.truncate(size);
        fileLength = file.length();
        wanted = Math.min(wanted, size);
    }

    @Override
    public synchronized long length() {
        long end = Math.max(fileLength, wanted);
        if (!dirty.isEmpty()) {
            Map.Entry<Long, Page> last = dirty.lastEntry();
            end = Math.max(end, last.getKey() * PAGE + last.getValue().hi);
        }
        return end;
    }

    /**
     * Drops the pending changes and refuses every later sync: after a failed commit they may be half of one, and
     * the file must keep its last complete state. The store is then reopened.
     */
    synchronized void abandon() {
        abandoned = true;
        dirty.clear();
        if (clean != null) {
            clean.clear();
        }
    }

    /** Journals the pending changes, forces the journal, writes them into the file and forces it. */
    @Override
    public synchronized void sync() {
        if (abandoned) {
            throw new DBException.VolumeIOError("the store was abandoned after a failed write: " + getFile());
        }
        if (journal == null) {
            flushPages();
            return;
        }
        if (!dirty.isEmpty()) {
            writeJournal();
            flushPages();
            file.sync();
            invalidateJournal();
        } else {
            // growth alone changes nothing MapDB has written: the new bytes are zeros
            flushPages();
            file.sync();
        }
    }

    /**
     * Marks the applied journal as spent, so that opening the store does not apply it again. Not forced: should
     * the mark be lost, applying the journal again rewrites bytes the file already holds.
     */
    private void invalidateJournal() {
        try {
            journal.seek(0);
            journal.write(new byte[Integer.BYTES]);
        } catch (IOException e) {
            throw new DBException.VolumeIOError("cannot write the journal " + journalPath, e);
        }
    }

    private void flushPages() {
        // one write per run of adjacent changed bytes: a log's pages, a node spanning pages
        long total = 0;
        for (Page p : dirty.values()) {
            total += p.hi - p.lo;
        }
        byte[] run = new byte[(int) Math.min(total, 1 << 20)];
        long runStart = -1;
        int runLength = 0;
        for (Map.Entry<Long, Page> e : dirty.entrySet()) {
            Page p = e.getValue();
            long start = e.getKey() * PAGE + p.lo;
            int n = p.hi - p.lo;
            if (runLength > 0 && (runStart + runLength != start || runLength + n > run.length)) {
                file.putData(runStart, run, 0, runLength);
                runLength = 0;
            }
            if (runLength == 0) {
                runStart = start;
            }
            System.arraycopy(p.bytes, p.lo, run, runLength, n);
            runLength += n;
            if (clean != null) {
                // the whole page is current: it was read in full before it changed
                clean.put(e.getKey(), p.bytes);
            }
        }
        if (runLength > 0) {
            file.putData(runStart, run, 0, runLength);
        }
        dirty.clear();
        if (wanted > fileLength) {
            file.ensureAvailable(wanted);
        }
        fileLength = file.length();
    }

    private void writeJournal() {
        long length = HEADER + Integer.BYTES;
        for (Page p : dirty.values()) {
            length += ENTRY_HEADER + p.hi - p.lo;
        }
        if (length > Integer.MAX_VALUE) {
            throw new DBException.VolumeIOError("a commit of " + length + " bytes is too large for the journal "
                    + journalPath, null);
        }
        ByteBuffer out = ByteBuffer.allocate((int) length);
        out.putInt(MAGIC).putInt(dirty.size()).putLong(length).putLong(Math.max(wanted, fileLength));
        for (Map.Entry<Long, Page> e : dirty.entrySet()) {
            Page p = e.getValue();
            out.putLong(e.getKey() * PAGE + p.lo).putInt(p.hi - p.lo).put(p.bytes, p.lo, p.hi - p.lo);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        try {
            journal.seek(0);
            journal.write(out.array(), 0, out.position());
            journal.getFD().sync();
        } catch (IOException e) {
            throw new DBException.VolumeIOError("cannot write the journal " + journalPath, e);
        }
    }

    /** Syncs pending changes (there are none after a commit), then closes both files. */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!dirty.isEmpty() && !abandoned) {
                sync();
            }
        } finally {
            try {
                if (journal != null) {
                    journal.close();
                }
            } catch (IOException e) {
                // the file volume's close below is what matters for the store
            }
            file.close();
        }
    }

    // ---------------------------------------------------------------- the rest is the file's

    @Override
    public int sliceSize() {
        return file.sliceSize();
    }

    @Override
    public boolean isSliced() {
        return file.isSliced();
    }

    @Override
    public boolean isReadOnly() {
        return file.isReadOnly();
    }

    @Override
    public File getFile() {
        return file.getFile();
    }

    @Override
    public boolean getFileLocked() {
        return file.getFileLocked();
    }

    @Override
    public boolean fileLoad() {
        return false;
    }
}
