package dev.bftkit.bench;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Durable batches per second of a store against a plain {@code FileChannel.force(true)} append loop carrying the same
 * bytes on the same disk, per batch size, measured in alternating turns so that both sides see the same disk and the
 * same load: a shared disk's force latency drifts by several times within a minute, which makes two runs a minute
 * apart incomparable. Each round gives every batch size one turn of the baseline and one of the store, for the same
 * time, the side that goes first alternating from round to round; the figure per size is the median of the rounds'
 * ratios. A batch is {@code puts} puts of a 16-byte key (a tag byte, seven zeros and a counter, so keys ascend, as a
 * log's do; {@code --keys random} draws the counter at random) and a {@code value}-byte value; the baseline appends
 * {@code puts × (16 + value)} bytes and forces the file. It also prints the CPU time of each side per batch, the
 * machine, the load average before and after, and the command line.
 *
 * <p>It uses only the public API, so the same source runs against another build's jar (as a source file: {@code java
 * -cp OTHER.jar benchmarks/src/main/java/dev/bftkit/bench/StorageFsyncRatio.java ...}).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.StorageFsyncRatio [--rounds 15] [--millis 1000]
 *     [--puts 1,16,256] [--value 256] [--keys ascending|random] [--storage mapdb] [--dir DIR]
 * </pre>
 */
public final class StorageFsyncRatio {
    private static final int KEY = 16;

    private StorageFsyncRatio() {
    }

    /**
     * @param args the options above
     * @throws IOException if the files cannot be made or removed
     */
    public static void main(String[] args) throws IOException {
        int rounds = 15;
        long millis = 1000;
        int[] sizes = {1, 16, 256};
        int valueBytes = 256;
        boolean random = false;
        String storage = "mapdb";
        Path parent = Path.of(System.getProperty("java.io.tmpdir"));
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--millis" -> millis = Long.parseLong(v);
                case "--puts" -> sizes = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--value" -> valueBytes = Integer.parseInt(v);
                case "--keys" -> random = switch (v) {
                    case "ascending" -> false;
                    case "random" -> true;
                    default -> throw new IllegalArgumentException("--keys ascending|random, got " + v);
                };
                case "--storage" -> storage = v;
                case "--dir" -> parent = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --rounds N "
                        + "--millis N --puts N,N,.. --value N --keys ascending|random --storage NAME --dir DIR");
            }
        }
        System.out.println("command: " + ProcessHandle.current().info().commandLine().orElse("(not readable)"));
        System.out.println(machine() + " · " + Instant.now());
        Path root = Files.createTempDirectory(parent, "storage-ratio");
        List<Sides> all = new ArrayList<>();
        try {
            for (int puts : sizes) {
                Path dir = root.resolve("p" + puts);
                Storage store = Plugins.storage(storage, Doubles.storageProviders()).open(StorageConfig.at(dir));
                all.add(new Sides(puts, valueBytes, random, store,
                        FileChannel.open(root.resolve("plain" + puts + ".log"), StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE)));
            }
            for (Sides s : all) {
                s.forces(millis * 2);
                s.batches(millis * 2);
            }
            runRounds(all, rounds, millis);
            summary(all, valueBytes);
        } finally {
            for (Sides s : all) {
                s.close();
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Alternates the force loop and the durable batches, round by round, and prints each round. */
    private static void runRounds(List<Sides> all, int rounds, long millis) throws IOException {
        for (int round = 0; round < rounds; round++) {
            for (Sides s : all) {
                Turn force;
                Turn batch;
                if (round % 2 == 0) {
                    force = s.forces(millis);
                    batch = s.batches(millis);
                } else {
                    batch = s.batches(millis);
                    force = s.forces(millis);
                }
                s.rounds.add(new double[] {force.perSecond(), batch.perSecond(),
                    batch.perSecond() / force.perSecond(), force.cpuMillisEach(), batch.cpuMillisEach()});
                System.out.printf(Locale.ROOT, "round %2d  puts %4d: %8.1f forces/s  %8.1f batches/s  ratio %.3f"
                        + "  CPU per force %.3f ms, per batch %.3f ms%n", round, s.puts, force.perSecond(),
                        batch.perSecond(), batch.perSecond() / force.perSecond(), force.cpuMillisEach(),
                        batch.cpuMillisEach());
            }
        }
    }

    /** Prints the medians over the rounds. */
    private static void summary(List<Sides> all, int valueBytes) {
        System.out.println("load average after: " + load());
        System.out.printf(Locale.ROOT, "%-5s %4s %6s %11s %12s %22s %15s %15s%n", "puts", "of", "bytes",
                "forces/s", "batches/s", "ratio (rounds' range)", "CPU/force ms", "CPU/batch ms");
        for (Sides s : all) {
            System.out.printf(Locale.ROOT, "%-5d %4d %6d %11.1f %12.1f %8.3f (%.3f-%.3f) %15.3f %15.3f%n",
                    s.puts, valueBytes, s.puts * (KEY + valueBytes), median(s.rounds, 0), median(s.rounds, 1),
                    median(s.rounds, 2), min(s.rounds, 2), max(s.rounds, 2), median(s.rounds, 3),
                    median(s.rounds, 4));
        }
        System.out.println("(medians over the rounds; ratio = durable batches/s ÷ forces/s, taken per round)");
    }

    private static String machine() {
        return "machine: " + System.getProperty("java.vm.name") + " " + Runtime.version() + " · "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + " · "
                + Runtime.getRuntime().availableProcessors() + " processors · load average before: " + load();
    }

    private static String load() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return load < 0 ? "not readable" : String.format(Locale.ROOT, "%.2f", load);
    }

    private static double[] column(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = column(rows, column);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    private static double min(List<double[]> rows, int column) {
        return column(rows, column)[0];
    }

    private static double max(List<double[]> rows, int column) {
        double[] v = column(rows, column);
        return v[v.length - 1];
    }

    /** Operations in one turn, its wall time and the CPU time of the measuring thread. */
    private record Turn(long count, long nanos, long cpuNanos) {
        double perSecond() {
            return count * 1e9 / nanos;
        }

        double cpuMillisEach() {
            return cpuNanos / 1e6 / Math.max(1, count);
        }
    }

    /** The two loops for one batch size. */
    private static final class Sides implements AutoCloseable {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        final int puts;
        final List<double[]> rounds = new ArrayList<>();
        private final int recordBytes;
        private final byte[] value;
        private final SplittableRandom values = new SplittableRandom(1);
        private final SplittableRandom random;
        private final Storage store;
        private final FileChannel plain;
        private long plainAt;
        private long written;

        Sides(int puts, int valueBytes, boolean random, Storage store, FileChannel plain) {
            this.puts = puts;
            this.recordBytes = puts * (KEY + valueBytes);
            this.value = new byte[valueBytes];
            this.random = random ? new SplittableRandom(puts) : null;
            this.store = store;
            this.plain = plain;
        }

        Turn forces(long millis) throws IOException {
            long start = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            long end = start + millis * 1_000_000;
            long n = 0;
            long now;
            do {
                ByteBuffer record = ByteBuffer.allocate(recordBytes);
                while (record.hasRemaining()) {
                    plainAt += plain.write(record, plainAt);
                }
                plain.force(true);
                n++;
                now = System.nanoTime();
            } while (now < end);
            return new Turn(n, now - start, THREADS.getCurrentThreadCpuTime() - cpu);
        }

        Turn batches(long millis) {
            long start = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            long end = start + millis * 1_000_000;
            long n = 0;
            long now;
            do {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < puts; i++) {
                    long k = random == null ? written++ : random.nextLong() & Long.MAX_VALUE;
                    values.nextBytes(value);
                    batch.put(ByteBuffer.allocate(KEY).put((byte) 'w').put(new byte[7]).putLong(k).array(), value);
                }
                store.write(batch);
                n++;
                now = System.nanoTime();
            } while (now < end);
            return new Turn(n, now - start, THREADS.getCurrentThreadCpuTime() - cpu);
        }

        @Override
        public void close() throws IOException {
            try {
                store.close();
            } finally {
                plain.close();
            }
        }
    }
}
