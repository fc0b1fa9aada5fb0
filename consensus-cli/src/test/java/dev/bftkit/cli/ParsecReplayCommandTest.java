package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ParsecReplayCommandTest {
    static final Path MINIMAL = Path.of(System.getProperty("basedir", "."))
            .resolve("../../shared/parsec-golden/benches/minimal.dot").normalize();

    @Test
    void replaysARecordedGraphAndMatchesItsHistory() {
        assumeTrue(Files.isRegularFile(MINIMAL), "the recorded graphs are not beside the project: " + MINIMAL);
        CliRun text = CliRun.of("parsec-replay", MINIMAL.toString());
        assertThat(text.code()).isEqualTo(0);
        assertThat(text.out().lines()).hasSize(2).first().asString().startsWith("181acff7");
        CliRun json = CliRun.of("parsec-replay", MINIMAL.toString(), "--json");
        assertThat(json.out()).contains("\"matchesRecorded\":true").contains("\"mode\":\"Supermajority\"");
    }

    @Test
    void aMissingFileIsAOneLineUsageError() {
        CliRun r = CliRun.of("parsec-replay", "/nonexistent/graph.dot");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines()).hasSize(1).first().asString().startsWith("consensus parsec-replay:");
    }
}
