package dev.bftkit.storage.mapdb;

import dev.bftkit.api.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a store directory, held through an OS file lock on a lock file for as long as the store is
 * open. Another process trying the same lock is refused by the OS; another opener in this JVM is refused by the
 * JVM's own lock table ({@link OverlappingFileLockException}). The OS drops the lock when the holder dies, even by
 * SIGKILL. The holder's process id is written into the file, for the error message only.
 */
final class StoreLock implements AutoCloseable {
    private static final int MAX_PID_TEXT = 20;

    private final FileChannel channel;
    private final FileLock lock;

    private StoreLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @param file the lock file, created if absent
     * @param store the store it guards, for the messages
     * @return the held lock
     * @throws StorageException if the lock is held elsewhere or the file cannot be opened
     */
    static StoreLock acquire(Path file, Path store) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            throw new StorageException("cannot open the lock file " + file + ": " + e, e);
        }
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new StorageException("store " + store + " is locked by another process" + holder
                        + " through " + file);
            }
            byte[] pid = Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new StoreLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StorageException("store " + store + " is already open in this process (lock " + file + ")", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StorageException("cannot lock " + file + ": " + e, e);
        }
    }

    /** Releases the lock; the file stays. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases the lock as well
        } finally {
            closeQuietly(channel);
        }
    }

    /** The holder's pid as written in the file, validated as a short decimal number, or nothing. */
    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(MAX_PID_TEXT + 1);
            channel.read(buffer, 0);
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            if (!text.isEmpty() && text.length() <= MAX_PID_TEXT && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return " (pid " + text + ")";
            }
        } catch (IOException e) {
            // the pid is only a hint in the message
        }
        return "";
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}
