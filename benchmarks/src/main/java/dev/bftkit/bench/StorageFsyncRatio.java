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
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Durable batches per second of the {@code mapdb} store against a plain {@code FileChannel.force(true)} loop on the
 * same disk, measured in alternating rounds so that both sides see the same disk: a shared disk's force latency
 * drifts by several times within a minute, which makes two separate JMH forks a minute apart incomparable. Each
 * round runs the baseline, then the store, for the same time; the figure is the median of the rounds' ratios. The
 * batch and the baseline's record are those of {@link StorageBench}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.StorageFsyncRatio [rounds] [millis per side] [dir]
 * </pre>
 */
public final class StorageFsyncRatio {
    private StorageFsyncRatio() {
    }

    /**
     * @param args rounds (default 20), milliseconds per side and round (default 1000), directory (default
     *     {@code java.io.tmpdir})
     * @throws IOException if the files cannot be made
     */
    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long millis = args.length > 1 ? Long.parseLong(args[1]) : 1000;
        Path parent = Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir"));
        Path root = Files.createTempDirectory(parent, "storage-ratio");
        try (Storage store = Plugins.storage("mapdb").open(StorageConfig.at(root.resolve("store")));
                FileChannel plain = FileChannel.open(root.resolve("plain.log"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
            Sides sides = new Sides(store, plain);
            sides.forces(millis * 2);
            sides.batches(millis * 2);
            List<double[]> results = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                double forces = sides.forces(millis) * 1000.0 / millis;
                double batches = sides.batches(millis) * 1000.0 / millis;
                results.add(new double[] {forces, batches, batches / forces});
                System.out.printf("round %2d: %8.1f forces/s  %8.1f batches/s  ratio %.3f%n", round, forces, batches,
                        batches / forces);
            }
            System.out.printf("median:   %8.1f forces/s  %8.1f batches/s  ratio %.3f (median of the rounds' ratios)%n",
                    median(results, 0), median(results, 1), median(results, 2));
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double median(List<double[]> results, int column) {
        List<Double> values = new ArrayList<>();
        results.forEach(r -> values.add(r[column]));
        Collections.sort(values);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** The two loops. */
    private static final class Sides {
        private final Storage store;
        private final FileChannel plain;
        private final byte[] value = new byte[StorageBench.VALUE];
        private long plainAt;
        private long written;

        Sides(Storage store, FileChannel plain) {
            this.store = store;
            this.plain = plain;
        }

        long forces(long millis) throws IOException {
            long end = System.nanoTime() + millis * 1_000_000;
            long n = 0;
            while (System.nanoTime() < end) {
                ByteBuffer record = ByteBuffer.allocate(StorageBench.PUTS * (16 + StorageBench.VALUE));
                while (record.hasRemaining()) {
                    plainAt += plain.write(record, plainAt);
                }
                plain.force(true);
                n++;
            }
            return n;
        }

        long batches(long millis) {
            long end = System.nanoTime() + millis * 1_000_000;
            long n = 0;
            while (System.nanoTime() < end) {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < StorageBench.PUTS; i++) {
                    batch.put(StorageBench.key('w', written++), value);
                }
                store.write(batch);
                n++;
            }
            return n;
        }
    }
}
