package dev.bftkit.storage.mapdb;

/**
 * Bytes read from the store that fail validation: a checksum mismatch, a length out of range, an unknown format.
 * {@link MapDbStorage} turns it into a {@link dev.bftkit.api.StorageException} naming the file.
 */
final class CorruptRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong */
    CorruptRecordException(String message) {
        super(message);
    }
}
