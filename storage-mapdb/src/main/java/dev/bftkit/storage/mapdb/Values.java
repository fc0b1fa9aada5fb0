package dev.bftkit.storage.mapdb;

import org.mapdb.Serializer;
import org.mapdb.Store;

/**
 * How a value sits in the B-tree. A small value is kept in the leaf, after a tag byte, so that writing or reading it
 * touches one record; a larger one goes to a record of its own and the leaf keeps a tag byte and that record's id,
 * so that a leaf (rewritten on every change to any of its keys) stays small. The outside record is freed when its
 * key is overwritten or deleted, in the same batch.
 */
final class Values {
    /** The largest value kept inside a leaf. */
    static final int INLINE_MAX = 256;

    private static final byte INLINE = 0;
    private static final byte OUTSIDE = 1;
    private static final int OUTSIDE_LENGTH = 1 + Long.BYTES;

    private final Store store;

    /** @param store where outside values are kept */
    Values(Store store) {
        this.store = store;
    }

    /**
     * @param value a value being written
     * @return what the leaf keeps for it, writing an outside record if it is large
     */
    byte[] store(byte[] value) {
        if (value.length <= INLINE_MAX) {
            byte[] out = new byte[1 + value.length];
            out[0] = INLINE;
            System.arraycopy(value, 0, out, 1, value.length);
            return out;
        }
        long recid = store.put(value, Serializer.BYTE_ARRAY);
        byte[] out = new byte[OUTSIDE_LENGTH];
        out[0] = OUTSIDE;
        for (int i = 0; i < Long.BYTES; i++) {
            out[1 + i] = (byte) (recid >>> (56 - 8 * i));
        }
        return out;
    }

    /**
     * Frees the outside record of a value that was overwritten or deleted.
     *
     * @param stored what the leaf kept, or null if the key was absent
     */
    void release(byte[] stored) {
        if (stored != null && stored.length > 0 && stored[0] == OUTSIDE) {
            store.delete(recid(stored), Serializer.BYTE_ARRAY);
        }
    }

    /**
     * @param stored what the leaf keeps
     * @return the value, read from its outside record if it has one; a fresh array
     * @throws CorruptRecordException if the leaf's bytes are not a value of this layout, or the record is missing
     */
    byte[] load(byte[] stored) {
        if (stored.length == 0) {
            throw new CorruptRecordException("empty value slot");
        }
        if (stored[0] == INLINE) {
            if (stored.length - 1 > INLINE_MAX) {
                throw new CorruptRecordException("inline value of " + (stored.length - 1) + " bytes");
            }
            byte[] value = new byte[stored.length - 1];
            System.arraycopy(stored, 1, value, 0, value.length);
            return value;
        }
        if (stored[0] != OUTSIDE || stored.length != OUTSIDE_LENGTH) {
            throw new CorruptRecordException("value slot of unknown layout " + (stored[0] & 0xFF));
        }
        byte[] value = store.get(recid(stored), Serializer.BYTE_ARRAY);
        if (value == null || value.length <= INLINE_MAX) {
            throw new CorruptRecordException("outside value record " + recid(stored) + " missing or too short");
        }
        // the record may be shared with the record cache
        return value.clone();
    }

    private static long recid(byte[] stored) {
        long recid = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            recid = recid << 8 | stored[1 + i] & 0xFF;
        }
        if (recid <= 0) {
            throw new CorruptRecordException("outside value record id " + recid);
        }
        return recid;
    }
}
