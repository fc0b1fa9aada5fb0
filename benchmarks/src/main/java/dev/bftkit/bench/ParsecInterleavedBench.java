package dev.bftkit.bench;

import dev.bftkit.parsec.golden.BenchmarkGraphs;
import dev.bftkit.parsec.golden.DotFile;
import dev.bftkit.parsec.golden.RecordedReplay;
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
 * PARSEC replay of generated graphs with 1,024 opaque votes interleaved with gossip (the reference's
 * "1,024 interleaved" benches): Supermajority, every peer votes every payload; Single, each payload is voted by one
 * peer. The graph (the first peer's, until it decided all 1,024) is generated once per trial from seed 1.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 15)
@Measurement(iterations = 10)
@Fork(1)
public class ParsecInterleavedBench {
    /** Peers. */
    @Param({"4", "8", "16", "32"})
    public int n;

    /** Consensus mode. */
    @Param({"supermajority", "single"})
    public String mode;

    private RecordedReplay replay;

    /** JMH constructs it. */
    public ParsecInterleavedBench() {
    }

    /** Generates the graph. */
    @Setup
    public void generate() {
        DotFile graph = BenchmarkGraphs.generate(n, 1024, mode.equals("single"), 1);
        System.out.println("# generated graph: n=" + n + " " + mode + ", " + RecordedReplay.eventCount(graph) + " events");
        replay = RecordedReplay.prepare(graph);
    }

    /** @return the number of observations one replay decided */
    @Benchmark
    public int replay() {
        return replay.play();
    }
}
