package dev.bftkit.bench;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.Storage;
import dev.bftkit.api.spi.StorageConfig;
import dev.bftkit.api.spi.WriteBatch;
import dev.bftkit.conformance.doubles.Doubles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * How long opening a store takes: a fresh one (its files created), and the same one again after one batch and a
 * close (recovery included). Each round uses a new directory; three rounds warm up first. Uses only the public
 * API, so the same source runs against an older build's jar too.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.bftkit.bench.StorageOpenTime [rounds] [storage] [dir]
 * </pre>
 */
public final class StorageOpenTime {
    private StorageOpenTime() {
    }

    /**
     * @param args rounds (default 30), storage plugin name (default mapdb), directory (default
     *     {@code java.io.tmpdir})
     * @throws IOException if the directories cannot be made or removed
     */
    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        String name = args.length > 1 ? args[1] : "mapdb";
        Path root = Files.createTempDirectory(Path.of(args.length > 2 ? args[2] : System.getProperty("java.io.tmpdir")),
                "storage-open");
        double[] fresh = new double[rounds];
        double[] again = new double[rounds];
        try {
            for (int round = -3; round < rounds; round++) {
                Path dir = root.resolve("s" + (round + 3));
                long t0 = System.nanoTime();
                Storage s = Plugins.storage(name, Doubles.storageProviders()).open(StorageConfig.at(dir));
                long t1 = System.nanoTime();
                s.write(new WriteBatch().put(new byte[] {1}, new byte[] {2}));
                s.close();
                long t2 = System.nanoTime();
                Plugins.storage(name, Doubles.storageProviders()).open(StorageConfig.at(dir)).close();
                long t3 = System.nanoTime();
                if (round >= 0) {
                    fresh[round] = (t1 - t0) / 1e6;
                    again[round] = (t3 - t2) / 1e6;
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Arrays.sort(fresh);
        Arrays.sort(again);
        System.out.printf("%s, %d rounds: fresh open median %.1f ms (p90 %.1f), reopen median %.1f ms (p90 %.1f)%n",
                name, rounds, fresh[rounds / 2], fresh[rounds * 9 / 10], again[rounds / 2], again[rounds * 9 / 10]);
    }
}
