package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The reference's recorded graphs are not shipped: the replay test runs with {@code -Dbftkit.parsec.golden=DIR}. */
class ParsecReplayCommandTest {
    @Test
    void replaysARecordedGraphAndMatchesItsHistory() {
        String folder = System.getProperty("bftkit.parsec.golden", "");
        Path minimal = Path.of(folder, "benches", "minimal.dot");
        assumeTrue(!folder.isBlank() && Files.isRegularFile(minimal),
                "the recorded graphs are absent: name their folder with -Dbftkit.parsec.golden=DIR");
        CliRun text = CliRun.of("parsec-replay", minimal.toString());
        assertThat(text.code()).isEqualTo(0);
        assertThat(text.out().lines()).hasSize(2).first().asString().startsWith("181acff7");
        CliRun json = CliRun.of("parsec-replay", minimal.toString(), "--json");
        assertThat(json.out()).contains("\"matchesRecorded\":true").contains("\"mode\":\"Supermajority\"");
    }

    @Test
    void aMissingFileIsAOneLineUsageError() {
        CliRun r = CliRun.of("parsec-replay", "/nonexistent/graph.dot");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1).first().asString().startsWith("consensus parsec-replay:");
    }
}
