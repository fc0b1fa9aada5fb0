package dev.bftkit.storage.mapdb;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mapdb.DBException;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * The store file as MapDB sees it: every change between two syncs is kept in memory, and the sync at the end of a
 * MapDB commit makes it durable through the {@link PageJournal} before any of it reaches the store file.
 *
 * <p>Why: MapDB 3.1.0's write-ahead log holds the records of a transaction, but its commit writes the index table
 * and the free-space lists straight into the store file after the log is committed, and replaying the log does not
 * restore them. A process killed during that step leaves a store whose free lists or index point at the wrong
 * places (this module's crash test found it within a few dozen kills). Here a sync appends the changed byte ranges
 * to the journal as one checksummed record, which is on the device when the append returns (the commit point, and
 * the commit's one forced write); then it writes them into the store file without forcing it. Every few hundred
 * commits, after a record that grew the journal, and on close, a checkpoint forces the store file and starts a new
 * journal generation. {@link PageJournal#recover} applies the records since the last checkpoint when the store is
 * opened, so the store file always shows the state after a whole commit; the journal's class comment covers torn
 * and damaged records and power loss.
 *
 * <p>Reads see every commit: pending changes from memory, the rest from the store file, which holds every
 * committed change (written, if not yet forced). Unchanged pages of the store file are cached
 * ({@value #CLEAN_PAGES} of them), and multi-byte fields are read and written in one call rather than a byte at a
 * time: MapDB reads index entries and free lists eight bytes at a time. All methods are synchronized, as in
 * MapDB's own file volume.
 */
final class JournaledVolume extends Volume {
    /** The unit of change tracking and caching: the journal's largest change. */
    static final int PAGE = PageJournal.PAGE;
    /** Unchanged pages of the store file kept in memory (2 MiB), so that MapDB's many small reads are not calls. */
    static final int CLEAN_PAGES = 512;

    private final Volume file;
    private final Path journalPath;
    private final PageJournal journal;
    private final TreeMap<Long, Page> dirty = new TreeMap<>();
    private final LinkedHashMap<Long, byte[]> clean;
    /** The file's length as last seen. */
    private long fileLength;
    /**
     * Every byte of the file from here on is zero: the file grew there (with zeros) and nothing was written there
     * since. Pages there are not read. At first the file's length, since nothing is known of its tail.
     */
    private long zerosFrom;
    /**
     * The page last read through {@link #current} and the array that holds its current bytes (a dirty page's or a
     * clean one's; a page keeps its array when it turns dirty and when it is synced), or null. MapDB reads its
     * header four bytes at a time to checksum it on every commit, and its fields eight at a time; {@link #number}
     * reads this page without the lock or the page maps. That is safe because the arrays change only in writes,
     * which {@link MapDbStorage} never runs beside a read (its read-write lock orders them), and because this is
     * forgotten, under the lock, whenever its array could stop being the page's: the page leaves the clean cache,
     * the file is truncated, the store is abandoned.
     */
    private volatile Hot hot;

    /** A page number and the array holding its current bytes. */
    private record Hot(long no, byte[] bytes) {
    }

    /** The dirty page last written through {@link #page}, or null; forgotten when the dirty pages are. */
    private Page lastDirty;
    private long lastDirtyNo = -1;
    /** For joining a stretch of changes that spans pages into one write. */
    private byte[] stretch = new byte[0];
    /** For one number written. */
    private final byte[] scratch = new byte[Long.BYTES];
    /** The length MapDB asked for; the file grows to it on the next sync, and reads beyond the file see zeros. */
    private long wanted;
    private boolean abandoned;

    /** The unit of change within a page: a page's changed chunks fit one {@code long}. */
    private static final int CHUNK = PAGE / Long.SIZE;

    /**
     * A page written since the last sync: its current bytes, the extent written {@code [lo, hi)}, and which chunks
     * hold bytes that differ from the file. MapDB rewrites its whole 32 KiB header area on every commit, nearly all
     * of it unchanged; only the chunks that changed are journaled and written.
     */
    private static final class Page {
        final byte[] bytes;
        int lo = PAGE;
        int hi;
        long changed;

        /** @param bytes the page's bytes as the file holds them, now owned by the page */
        Page(byte[] bytes) {
            this.bytes = bytes;
        }

        /** Writes {@code n} bytes at {@code in}, marking the chunks whose bytes differ. */
        void write(int in, byte[] src, int from, int n) {
            int end = in + n;
            int i = Arrays.mismatch(bytes, in, end, src, from, from + n);
            while (i >= 0) {
                int chunk = (in + i) / CHUNK;
                changed |= 1L << chunk;
                int next = (chunk + 1) * CHUNK - in;
                if (next >= n) {
                    break;
                }
                int m = Arrays.mismatch(bytes, in + next, end, src, from + next, from + n);
                i = m < 0 ? -1 : next + m;
            }
            System.arraycopy(src, from, bytes, in, n);
            lo = Math.min(lo, in);
            hi = Math.max(hi, end);
        }
    }

    /**
     * @param file the store file's volume, which this one writes only when synced
     * @param journalPath the journal file, as {@link PageJournal#recover} left it
     * @throws IOException if the journal cannot be opened
     */
    JournaledVolume(Volume file, Path journalPath) throws IOException {
        this.file = file;
        this.journalPath = journalPath;
        this.journal = PageJournal.open(journalPath);
        this.fileLength = file.length();
        this.zerosFrom = fileLength;
        this.clean = new LinkedHashMap<>(CLEAN_PAGES * 2, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
                boolean evict = size() > CLEAN_PAGES;
                Hot h = hot;
                if (evict && h != null && eldest.getKey() == h.no()) {
                    hot = null;
                }
                return evict;
            }
        };
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
            page(pageNo).write(in, src, srcPos + done, n);
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
        putNumber(offset, value, Long.BYTES);
    }

    @Override
    public void putInt(long offset, int value) {
        putNumber(offset, value, Integer.BYTES);
    }

    /** Writes the low {@code n} bytes of {@code value}, big-endian, as MapDB's volumes do. */
    private synchronized void putNumber(long offset, long value, int n) {
        for (int i = 0; i < n; i++) {
            scratch[i] = (byte) (value >>> 8 * (n - 1 - i));
        }
        putData(offset, scratch, 0, n);
    }

    /** A single byte goes straight into the page. */
    @Override
    public synchronized void putByte(long offset, byte value) {
        long pageNo = offset / PAGE;
        int in = (int) (offset - pageNo * PAGE);
        Page p = page(pageNo);
        if (p.bytes[in] != value) {
            p.bytes[in] = value;
            p.changed |= 1L << (in / CHUNK);
        }
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
        if (pageNo == lastDirtyNo) {
            return lastDirty;
        }
        Page p = dirty.get(pageNo);
        if (p == null) {
            // a clean page becomes the dirty one (it goes back to the clean ones, current, at the sync)
            byte[] bytes = clean.remove(pageNo);
            if (bytes == null) {
                bytes = new byte[PAGE];
                readRaw(pageNo * PAGE, bytes, 0, PAGE);
            }
            p = new Page(bytes);
            dirty.put(pageNo, p);
        }
        lastDirtyNo = pageNo;
        lastDirty = p;
        return p;
    }

    /** Forgets the pages remembered for quick access (see {@link #hot}). */
    private void forgetLast() {
        hot = null;
        lastDirtyNo = -1;
        lastDirty = null;
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

    /** Reads unchanged bytes, through the clean-page cache. */
    private void readFile(long offset, byte[] dst, int dstPos, int size) {
        if (size > 4 * PAGE) {
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

    /** Reads from the file; past its end, and in the zeros at its end, reads zeros without a call. */
    private void readRaw(long offset, byte[] dst, int dstPos, int size) {
        int n = (int) Math.max(0, Math.min(size, Math.min(fileLength, zerosFrom) - offset));
        if (n > 0) {
            file.getData(offset, dst, dstPos, n);
        }
        Arrays.fill(dst, dstPos + n, dstPos + size, (byte) 0);
    }

    private byte[] bytes(long offset, int size) {
        byte[] b = new byte[size];
        getData(offset, b, 0, size);
        return b;
    }

    /**
     * @return the array holding the current bytes of a page: the dirty page's, or the clean one's, read from the
     *     file if need be
     */
    private byte[] current(long pageNo) {
        Hot h = hot;
        if (h != null && h.no() == pageNo) {
            return h.bytes();
        }
        Page p = dirty.get(pageNo);
        byte[] b = p == null ? clean.get(pageNo) : p.bytes;
        if (b == null) {
            b = new byte[PAGE];
            readRaw(pageNo * PAGE, b, 0, PAGE);
            clean.put(pageNo, b);
        }
        hot = new Hot(pageNo, b);
        return b;
    }

    /**
     * @return {@code n} bytes at {@code offset} as a big-endian number, read in one piece; from the {@link #hot}
     *     page without the lock
     */
    private long number(long offset, int n) {
        long pageNo = offset / PAGE;
        int in = (int) (offset - pageNo * PAGE);
        Hot h = hot;
        if (h == null || h.no() != pageNo || in + n > PAGE) {
            return numberLocked(offset, n);
        }
        return decode(h.bytes(), in, n);
    }

    private synchronized long numberLocked(long offset, int n) {
        long pageNo = offset / PAGE;
        int in = (int) (offset - pageNo * PAGE);
        return in + n <= PAGE ? decode(current(pageNo), in, n) : decode(bytes(offset, n), 0, n);
    }

    private static long decode(byte[] b, int in, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | b[in + i] & 0xFF;
        }
        return v;
    }

    @Override
    public long getLong(long offset) {
        return number(offset, Long.BYTES);
    }

    /** MapDB's header checksum reads 8,210 of these per commit: the page read last is read with no loop. */
    @Override
    public int getInt(long offset) {
        long pageNo = offset / PAGE;
        int in = (int) (offset - pageNo * PAGE);
        Hot h = hot;
        if (h == null || h.no() != pageNo || in > PAGE - Integer.BYTES) {
            return (int) numberLocked(offset, Integer.BYTES);
        }
        byte[] b = h.bytes();
        return b[in] << 24 | (b[in + 1] & 0xFF) << 16 | (b[in + 2] & 0xFF) << 8 | b[in + 3] & 0xFF;
    }

    @Override
    public byte getByte(long offset) {
        return (byte) number(offset, 1);
    }

    @Override
    public long getSixLong(long pos) {
        return number(pos, 6);
    }

    @Override
    public int getUnsignedShort(long offset) {
        return (int) number(offset, 2);
    }

    @Override
    public int getUnsignedByte(long offset) {
        return (int) number(offset, 1);
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
        forgetLast();
        clean.clear();
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
        zerosFrom = Math.min(zerosFrom, size);
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
        forgetLast();
        dirty.clear();
        clean.clear();
    }

    /**
     * Appends the pending changes to the journal (durable when that returns), then writes them into the file,
     * unforced; checkpoints when the journal asks for it.
     */
    @Override
    public synchronized void sync() {
        if (abandoned) {
            throw new DBException.VolumeIOError("the store was abandoned after a failed write: " + getFile());
        }
        // the file covers whatever was written, zeros past its end included, though they change nothing
        wanted = Math.max(wanted, length());
        List<PageJournal.Range> changes = changes();
        if (!changes.isEmpty() || wanted > fileLength) {
            try {
                if (!journal.fits(PageJournal.recordLength(changes))) {
                    checkpoint();
                }
                journal.append(Math.max(wanted, fileLength), changes);
            } catch (IOException e) {
                throw new DBException.VolumeIOError("cannot write the journal " + journalPath, e);
            }
        }
        flushPages(changes);
        if (journal.due()) {
            checkpoint();
        }
    }

    /** @return the changed chunks of the pending pages, as ranges in file order, within what was written */
    private List<PageJournal.Range> changes() {
        List<PageJournal.Range> ranges = new ArrayList<>();
        for (Map.Entry<Long, Page> e : dirty.entrySet()) {
            Page p = e.getValue();
            long changed = p.changed;
            while (changed != 0) {
                int first = Long.numberOfTrailingZeros(changed);
                int past = first + Long.numberOfTrailingZeros(~(changed >>> first));
                changed = past == Long.SIZE ? 0 : changed & -1L << past;
                int from = Math.max(p.lo, first * CHUNK);
                int to = Math.min(p.hi, past * CHUNK);
                if (to > from) {
                    ranges.add(new PageJournal.Range(e.getKey() * PAGE + from, p.bytes, from, to - from));
                }
            }
        }
        return ranges;
    }

    /**
     * Forces the store file, which then holds every journaled commit, and starts a new journal generation. Called
     * by {@link #sync} when the journal asks for it and on close; tests call it directly.
     */
    synchronized void checkpoint() {
        file.sync();
        try {
            journal.reset();
        } catch (IOException e) {
            throw new DBException.VolumeIOError("cannot write the journal " + journalPath, e);
        }
    }

    /**
     * Writes the changes into the file: one write per stretch of changes less than a page apart (new records,
     * a node spanning pages, MapDB's header area), with the unchanged bytes between them copied from their pages,
     * which hold what the file holds; writing them again changes nothing, and saves a system call per change.
     */
    private void flushPages(List<PageJournal.Range> changes) {
        for (int i = 0, j; i < changes.size(); i = j) {
            long start = changes.get(i).offset();
            long end = start + changes.get(i).length();
            for (j = i + 1; j < changes.size(); j++) {
                PageJournal.Range next = changes.get(j);
                if (next.offset() - end >= PAGE || next.offset() + next.length() - start > 1 << 20) {
                    break;
                }
                end = next.offset() + next.length();
            }
            // less than a page apart: every byte of the stretch lies in a page that holds one of the changes
            int length = (int) (end - start);
            long firstPage = start / PAGE;
            if ((end - 1) / PAGE == firstPage) {
                file.putData(start, dirty.get(firstPage).bytes, (int) (start - firstPage * PAGE), length);
            } else {
                if (stretch.length < length) {
                    stretch = new byte[length];
                }
                for (long at = start; at < end; ) {
                    long pageNo = at / PAGE;
                    int in = (int) (at - pageNo * PAGE);
                    int n = (int) Math.min(PAGE - in, end - at);
                    System.arraycopy(dirty.get(pageNo).bytes, in, stretch, (int) (at - start), n);
                    at += n;
                }
                file.putData(start, stretch, 0, length);
            }
            // nothing was written past the end of the stretch, so what was zero there still is
            zerosFrom = Math.max(zerosFrom, end);
        }
        // the whole page is current: it was read in full before it changed
        for (Map.Entry<Long, Page> e : dirty.entrySet()) {
            clean.put(e.getKey(), e.getValue().bytes);
        }
        dirty.clear();
        lastDirtyNo = -1;
        lastDirty = null;
        if (wanted > fileLength) {
            file.ensureAvailable(wanted);
        }
        fileLength = file.length();
    }

    /**
     * Syncs pending changes (there are none after a commit) and checkpoints, then closes both files. An abandoned
     * store is not checkpointed: its file may hold part of a commit that only its journal can complete.
     */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!abandoned) {
                sync();
                if (journal.pending()) {
                    checkpoint();
                }
            }
        } finally {
            try {
                journal.close();
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
