package dev.bftkit.bench;

import dev.bftkit.parsec.golden.DotFile;
import dev.bftkit.parsec.golden.RecordedReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * PARSEC replay of the reference's recorded benchmark graphs ({@code bench_section_size_evt{8,16}[_single]}, n = 4,
 * 8, 16), as its criterion benches do: the graph is parsed and turned into the recording node's actions once (the reference's {@code Record}), each operation plays them into a fresh instance.
 * The graphs are read from {@code -Dbftkit.parsec.golden=DIR}, a folder of the reference's recorded graphs (not shipped here).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 30)
@Measurement(iterations = 10)
@Fork(1)
public class ParsecReplayBench {
    /** Votes per peer in the recording. */
    @Param({"8", "16"})
    public int votes;

    /** Peers. */
    @Param({"4", "8", "16"})
    public int n;

    /** Consensus mode. */
    @Param({"supermajority", "single"})
    public String mode;

    private RecordedReplay replay;

    /** JMH constructs it. */
    public ParsecReplayBench() {
    }

    /**
     * Parses the recorded graph.
     *
     * @throws IOException if it cannot be read
     */
    @Setup
    public void load() throws IOException {
        String folder = "bench_section_size_evt" + votes + (mode.equals("single") ? "_single" : "");
        Path file = goldenFolder().resolve(folder).resolve("a_node" + n + "_opaque_evt" + votes + ".dot");
        replay = RecordedReplay.prepare(DotFile.read(file));
    }

    static Path goldenFolder() {
        String configured = System.getProperty("bftkit.parsec.golden");
        if (configured == null) {
            throw new IllegalStateException("name the folder of the reference's recorded graphs with"
                    + " -Dbftkit.parsec.golden=DIR");
        }
        Path p = Path.of(configured);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("recorded graphs not found at " + p.toAbsolutePath()
                    + "; set -Dbftkit.parsec.golden=DIR");
        }
        return p;
    }

    /** @return the number of observations one replay decided */
    @Benchmark
    public int replay() {
        return replay.play();
    }
}
