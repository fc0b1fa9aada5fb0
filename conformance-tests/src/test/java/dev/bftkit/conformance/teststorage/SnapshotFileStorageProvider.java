package dev.bftkit.conformance.teststorage;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.StorageException;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * A small durable store for the kit's own tests, whose configuration matters: the option {@code file} (default
 * {@code store.data}) names the file in the store's directory that holds the data, and {@code file.lock} beside it
 * is the lock another process is refused on. Opened with other options than the ones a store was written with, it
 * sees another (empty) store. Each write replaces the whole file (written beside it, forced, renamed over it), so
 * a killed writer leaves the last acknowledged batch or the next one; a CRC reports damage. The option
 * Each open appends a byte to {@code file.opens}, so a test can count them. The option
 * {@code lock=wait} plants a bug: a second opener waits for the lock instead of being refused.
 */
public final class SnapshotFileStorageProvider implements StorageProvider {
    /** The provider's name. */
    public static final String NAME = "kit-test-snapshot";
    /** The option naming the data file. */
    public static final String FILE = "file";
    /** The option that, set to {@code wait}, makes a second opener wait for the lock (a planted bug). */
    public static final String LOCK = "lock";

    /** For {@link java.util.ServiceLoader}. */
    public SnapshotFileStorageProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Storage open(StorageConfig config) {
        Set<String> unknown = new java.util.TreeSet<>(config.options().keySet());
        unknown.removeAll(Set.of(FILE, LOCK));
        if (!unknown.isEmpty()) {
            throw new ConfigurationException(NAME + " takes only the options " + FILE + " and " + LOCK + "; got "
                    + unknown);
        }
        return new SnapshotFileStorage(config.directory(), config.option(FILE).orElse("store.data"),
                config.option(LOCK).orElse("").equals("wait"));
    }

    private static final class SnapshotFileStorage implements Storage {
        private final Storage memory = Doubles.memoryStorage();
        private final Path file;
        private final Path next;
        private final FileChannel lockChannel;

        SnapshotFileStorage(Path dir, String name, boolean waitForLock) {
            file = dir.resolve(name);
            next = dir.resolve(name + ".next");
            try {
                Files.createDirectories(dir);
                lockChannel = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
            } catch (IOException | UncheckedIOException e) {
                throw new StorageException("cannot open a store in " + dir + ": " + e, e);
            }
            FileLock held;
            try {
                held = waitForLock ? lockChannel.lock() : lockChannel.tryLock();
            } catch (OverlappingFileLockException | IOException e) {
                held = null;
            }
            if (held == null) {
                closeQuietly();
                throw new StorageException("the store in " + dir + " (" + name + ") is open elsewhere");
            }
            try {
                Files.write(dir.resolve(name + ".opens"), new byte[] {1}, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                Files.deleteIfExists(next);
                if (Files.exists(file)) {
                    load(Files.readAllBytes(file));
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e instanceof StorageException se ? se : new StorageException("cannot read " + file + ": " + e, e);
            }
        }

        private void load(byte[] bytes) {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            CRC32 crc = new CRC32();
            crc.update(bytes, 0, Math.max(0, bytes.length - Long.BYTES));
            if (bytes.length < Integer.BYTES + Long.BYTES || in.getLong(bytes.length - Long.BYTES) != crc.getValue()) {
                throw new StorageException(file + " is damaged (checksum)");
            }
            WriteBatch all = new WriteBatch();
            for (int n = in.getInt(); n > 0; n--) {
                byte[] key = new byte[in.getInt()];
                in.get(key);
                byte[] value = new byte[in.getInt()];
                in.get(value);
                all.put(key, value);
            }
            memory.write(all);
        }

        @Override
        public Optional<byte[]> get(byte[] key) {
            return memory.get(key);
        }

        @Override
        public List<Entry> scan(byte[] prefix, byte[] after, int limit) {
            return memory.scan(prefix, after, limit);
        }

        @Override
        public synchronized void write(WriteBatch batch) {
            memory.write(batch);
            List<Entry> all = memory.scan(new byte[0]);
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeInt(all.size());
                for (Entry e : all) {
                    out.writeInt(e.key().length);
                    out.write(e.key());
                    out.writeInt(e.value().length);
                    out.write(e.value());
                }
                CRC32 crc = new CRC32();
                crc.update(bytes.toByteArray());
                out.writeLong(crc.getValue());
                try (FileChannel ch = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    ch.write(ByteBuffer.wrap(bytes.toByteArray()));
                    ch.force(true);
                }
                Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new StorageException("cannot write " + file + ": " + e, e);
            }
        }

        @Override
        public synchronized void close() {
            memory.close();
            closeQuietly();
        }

        private void closeQuietly() {
            try {
                lockChannel.close(); // releases the lock
            } catch (IOException e) {
                // closing
            }
        }
    }
}
