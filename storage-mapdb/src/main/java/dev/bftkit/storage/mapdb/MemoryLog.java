package dev.bftkit.storage.mapdb;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.mapdb.DBException;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;

/**
 * One of MapDB's write-ahead log files, kept in one array in memory (see {@link StoreVolumes} for why no file). MapDB
 * makes a log volume per commit and closes it when the commit is done; the closed volume's array, zeroed where it
 * was written, goes back to its maker for the next one, so that a commit does not allocate (and fault in) a fresh
 * megabyte as MapDB's own {@code ByteArrayVol} would. Reads past what was written see zeros, as in a new file. All
 * methods are synchronized.
 */
final class MemoryLog extends Volume {
    /** The largest log: MapDB starts another log volume long before this (16 MiB). */
    private static final long MAX = Integer.MAX_VALUE - 16;

    private final Consumer<byte[]> recycle;
    private byte[] bytes;
    /** The length MapDB asked for. */
    private long length;
    /** One past the last byte written since the array was last zeroed. */
    private int dirty;

    /**
     * @param bytes an array of zeros to start with (any length)
     * @param recycle takes the array back, zeroed, when the volume is closed
     */
    MemoryLog(byte[] bytes, Consumer<byte[]> recycle) {
        this.bytes = bytes;
        this.recycle = recycle;
    }

    @Override
    public synchronized void ensureAvailable(long offset) {
        room(offset);
        length = Math.max(length, offset);
    }

    /** Grows the array to hold {@code end} bytes. */
    private void room(long end) {
        if (end > MAX) {
            throw new DBException.VolumeMaxSizeExceeded(MAX, end);
        }
        if (end > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(MAX, Math.max(end, 2L * bytes.length)));
        }
    }

    /**
     * @return the array index of {@code n} bytes at {@code offset} about to be written, after making room (which may
     *     replace the array: read {@link #bytes} after calling this)
     */
    private int writing(long offset, int n) {
        room(offset + n);
        length = Math.max(length, offset + n);
        dirty = Math.max(dirty, (int) offset + n);
        return (int) offset;
    }

    @Override
    public synchronized void truncate(long size) {
        if (size < dirty) {
            Arrays.fill(bytes, (int) size, dirty, (byte) 0);
            dirty = (int) size;
        }
        length = Math.min(length, size);
    }

    @Override
    public synchronized void putLong(long offset, long value) {
        int at = writing(offset, Long.BYTES);
        for (int i = 0; i < Long.BYTES; i++) {
            bytes[at + i] = (byte) (value >>> (56 - 8 * i));
        }
    }

    @Override
    public synchronized void putInt(long offset, int value) {
        int at = writing(offset, Integer.BYTES);
        for (int i = 0; i < Integer.BYTES; i++) {
            bytes[at + i] = (byte) (value >>> (24 - 8 * i));
        }
    }

    @Override
    public synchronized void putByte(long offset, byte value) {
        int at = writing(offset, 1);
        bytes[at] = value;
    }

    @Override
    public synchronized void putData(long offset, byte[] src, int srcPos, int srcSize) {
        int at = writing(offset, srcSize);
        System.arraycopy(src, srcPos, bytes, at, srcSize);
    }

    @Override
    public synchronized void putData(long offset, ByteBuffer buf) {
        int at = writing(offset, buf.remaining());
        buf.get(bytes, at, buf.remaining());
    }

    @Override
    public void putDataOverlap(long offset, byte[] src, int srcPos, int srcSize) {
        putData(offset, src, srcPos, srcSize);
    }

    @Override
    public synchronized void clear(long startOffset, long endOffset) {
        int from = (int) Math.min(startOffset, dirty);
        int to = (int) Math.min(endOffset, dirty);
        if (from < to) {
            Arrays.fill(bytes, from, to, (byte) 0);
        }
    }

    @Override
    public synchronized long getLong(long offset) {
        return number(offset, Long.BYTES);
    }

    @Override
    public synchronized int getInt(long offset) {
        return (int) number(offset, Integer.BYTES);
    }

    /** @return {@code n} bytes at {@code offset} as a big-endian number */
    private long number(long offset, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | byteAt(offset + i) & 0xFF;
        }
        return v;
    }

    @Override
    public synchronized byte getByte(long offset) {
        return byteAt(offset);
    }

    private byte byteAt(long offset) {
        return offset < bytes.length ? bytes[(int) offset] : 0;
    }

    @Override
    public synchronized void getData(long offset, byte[] dst, int dstPos, int size) {
        int n = (int) Math.max(0, Math.min(size, bytes.length - offset));
        if (n > 0) {
            System.arraycopy(bytes, (int) offset, dst, dstPos, n);
        }
        Arrays.fill(dst, dstPos + n, dstPos + size, (byte) 0);
    }

    /**
     * Reads the array itself, as MapDB's {@code ByteArrayVol} does: MapDB reads it at once (into an array of its
     * own), always before it closes the volume, after which the array is reused.
     */
    @Override
    public synchronized DataInput2 getDataInput(long offset, int size) {
        if (offset + size <= bytes.length) {
            return new DataInput2.ByteArray(bytes, (int) offset);
        }
        byte[] b = new byte[size];
        getData(offset, b, 0, size);
        return new DataInput2.ByteArray(b);
    }

    @Override
    public DataInput2 getDataInputOverlap(long offset, int size) {
        return getDataInput(offset, size);
    }

    /** Zeroes what was written and hands the array back for the next log volume. */
    @Override
    public synchronized void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Arrays.fill(bytes, 0, dirty, (byte) 0);
        byte[] done = bytes;
        bytes = new byte[0];
        dirty = 0;
        length = 0;
        recycle.accept(done);
    }

    /** Nothing to make durable: the log is never replayed. */
    @Override
    public void sync() {
    }

    @Override
    public int sliceSize() {
        return -1;
    }

    @Override
    public boolean isSliced() {
        return false;
    }

    @Override
    public synchronized long length() {
        return length;
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public File getFile() {
        return null;
    }

    @Override
    public boolean getFileLocked() {
        return false;
    }
}
