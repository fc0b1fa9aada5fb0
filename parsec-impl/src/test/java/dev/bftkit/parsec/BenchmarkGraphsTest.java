package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.parsec.golden.DotFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Generated benchmark graphs replay like recorded ones and decide every payload. */
class BenchmarkGraphsTest {
    @ParameterizedTest(name = "n={0} payloads={1} single={2}")
    @CsvSource({"4,16,false", "4,16,true", "5,8,false"})
    void a_generated_graph_replays_to_its_recorded_history(int n, int payloads, boolean single) {
        DotFile dot = BenchmarkGraphs.generate(n, payloads, single, 42);
        assertThat(dot.consensusHistory()).hasSizeGreaterThanOrEqualTo(payloads + 1);
        assertThat(GoldenReplayTest.hex(RecordedReplay.replay(dot).stream().map(RecordedReplay.Decided::hash)
                .toList()).subList(0, dot.consensusHistory().size()))
                .isEqualTo(GoldenReplayTest.hex(dot.consensusHistory()));
    }
}
