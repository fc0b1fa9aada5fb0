package dev.bftkit.bench;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.WriteBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code mapdb} store: durable batches per second beside a plain {@code FileChannel.force(true)} loop on the
 * same disk (the ratio is the figure), and reads per second. A batch is four puts of a 16-byte key and a 100-byte
 * value; the baseline appends the same 464 bytes to a file and forces it. Reads are {@code get}s of random keys
 * among {@value #KEYS} and scans of 100 entries.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StorageBench {
    static final int KEYS = 100_000;
    static final int PUTS = 4;
    static final int VALUE = 100;

    /** Where the files go (the same disk for both sides); empty for {@code java.io.tmpdir}. */
    @Param("")
    public String dir;

    private Path root;
    private Storage store;
    private FileChannel plain;
    private long plainAt;
    private long written;
    private final byte[] value = new byte[VALUE];
    private final SplittableRandom random = new SplittableRandom(1);

    /** JMH constructs it. */
    public StorageBench() {
    }

    /**
     * Opens the store with {@value #KEYS} keys to read, and the baseline's file.
     *
     * @throws IOException if the files cannot be made
     */
    @Setup
    public void setUp() throws IOException {
        Path parent = Path.of(dir.isEmpty() ? System.getProperty("java.io.tmpdir") : dir);
        root = Files.createTempDirectory(parent, "storage-bench");
        store = Plugins.storage("mapdb").open(StorageConfig.at(root.resolve("store")));
        for (int start = 0; start < KEYS; start += 10_000) {
            WriteBatch batch = new WriteBatch();
            for (int i = start; i < start + 10_000; i++) {
                batch.put(readKey(i), value);
            }
            store.write(batch);
        }
        plain = FileChannel.open(root.resolve("plain.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    /**
     * Closes and deletes everything.
     *
     * @throws IOException if the files cannot be deleted
     */
    @TearDown
    public void tearDown() throws IOException {
        store.close();
        plain.close();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * The baseline: the bytes of one batch appended to a file, then {@code force(true)}.
     *
     * @throws IOException if the write fails
     */
    @Benchmark
    public void forceLoop() throws IOException {
        ByteBuffer record = ByteBuffer.allocate(PUTS * (16 + VALUE));
        while (record.hasRemaining()) {
            plainAt += plain.write(record, plainAt);
        }
        plain.force(true);
    }

    /** One durable batch of four puts. */
    @Benchmark
    public void durableBatch() {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < PUTS; i++) {
            batch.put(key('w', written++), value);
        }
        store.write(batch);
    }

    /** @return one value read by key */
    @Benchmark
    public Optional<byte[]> get() {
        return store.get(readKey(random.nextInt(KEYS)));
    }

    /** @return a page of 100 entries from a random place */
    @Benchmark
    public List<Storage.Entry> scan100() {
        return store.scan(new byte[] {'r'}, readKey(random.nextInt(KEYS - 100)), 100);
    }

    private static byte[] readKey(int i) {
        return key('r', i);
    }

    /** A 16-byte key: the tag byte, seven zeros, the number. */
    static byte[] key(char tag, long n) {
        return ByteBuffer.allocate(16).put((byte) tag).put(new byte[7]).putLong(n).array();
    }
}
