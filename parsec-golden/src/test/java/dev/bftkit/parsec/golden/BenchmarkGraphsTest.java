package dev.bftkit.parsec.golden;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
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

    @Test
    void the_dump_of_a_generated_graph_reads_back() {
        DotFile dot = BenchmarkGraphs.generate(4, 2, false, 1);
        assertThat(dot.ourId()).isEqualTo("P00");
        assertThat(dot.peers()).containsOnlyKeys("P00", "P01", "P02", "P03");
        assertThat(dot.singleMode()).isFalse();
        assertThat(dot.consensusHistory()).as("Genesis and the two payloads").hasSizeGreaterThanOrEqualTo(3);
        assertThat(dot.events().values()).extracting(DotEvent::creator).contains("P00", "P01", "P02", "P03");
    }
}
