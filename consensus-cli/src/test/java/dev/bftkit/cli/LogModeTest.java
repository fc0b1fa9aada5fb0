package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Log mode ({@code --log}) of {@code node}: a real node over vertx sockets, bc keys and a mapdb store runs a
 * replicated log, commits the values it appends, and continues its log from storage when run again. No timing
 * assertions: a node runs for a fixed time.
 */
class LogModeTest {
    @TempDir
    Path tmp;

    @Test
    void aNodeInLogModeCommitsItsValuesAndARestartedNodeContinuesItsLog() throws IOException {
        Path key = tmp.resolve("node.key");
        String id = (String) CliRun.of("keygen", "--out", key.toString(), "--json").json().get("nodeId");
        Path conf = tmp.resolve("node.conf");
        Files.writeString(conf, "instance = solo-log\nkey = node.key\ntick.start.ms = 20\ndecider = parsec\n"
                + "member = " + id + " 127.0.0.1:" + ClusterTestSupport.freePort() + "\n");

        CliRun first = CliRun.of("node", "--config", conf.toString(), "--log", "--seconds", "3", "--rate", "200",
                "--json");
        assertThat(first.code()).as(first.describe()).isZero();
        List<Map<String, Object>> events = KeygenAndNodeTest.events(first);
        assertThat(events.get(0)).containsEntry("event", "started");
        assertThat(CliRun.map(events.get(0).get("log"))).containsEntry("rate", 200L).containsEntry("valueBytes",
                100L).containsEntry("maxTickMs", 2000L).containsEntry("seconds", 3L);
        List<Map<String, Object>> entries = events.stream().filter(e -> e.get("event").equals("committed")).toList();
        assertThat(entries).isNotEmpty();
        for (int h = 0; h < entries.size(); h++) {
            assertThat(entries.get(h)).containsEntry("height", (long) h).containsEntry("restored", false);
            assertThat((String) entries.get(h).get("hash")).hasSize(64);
        }
        assertThat(events).anyMatch(e -> e.get("event").equals("rate"));
        Map<String, Object> stopped = events.get(events.size() - 1);
        assertThat(stopped).containsEntry("event", "stopped").containsEntry("reason", "done")
                .containsEntry("height", (long) entries.size() - 1)
                .containsEntry("hash", entries.get(entries.size() - 1).get("hash"));
        assertThat((Long) stopped.get("committed")).isPositive();

        // the same data directory: the log reloads its entries from storage and goes on from there
        CliRun second = CliRun.of("node", "--config", conf.toString(), "--log", "--seconds", "3", "--rate", "200");
        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(second.out()).contains("log over parsec: appending 200 values/s of 100 bytes; ticks at most "
                        + "2.000 s; stops after 3 s")
                .contains("restored " + entries.size() + " entries from storage (heights 0 to " + (entries.size() - 1)
                        + ", hash " + Text.shortHex(stopped.get("hash")) + ")")
                .containsPattern("\n#" + entries.size() + "  [0-9,]+ values? · hash [0-9a-f]{8} · ")
                .containsPattern("\nrate  [0-9,]+ values/s · [0-9.]+ entries/s · own p50 .* · height [0-9]+ · ")
                .containsPattern("\nstopped \\(done\\) · height [0-9]+, hash [0-9a-f]{8} · [0-9,]+ of [0-9,]+ "
                        + "values appended here committed\n");
    }

    @Test
    void logFlagsAreCheckedAndBadOnesAreOneLineWithExitCode2() throws IOException {
        String dir = tmp.resolve("c").toString();
        String conf = tmp.resolve("missing.conf").toString();
        CliRun.of("node", "--config", conf, "--value-bytes", "5").isUsageError("--value-bytes goes with --log");
        CliRun.of("node", "--config", conf, "--log", "--propose", "x").isUsageError("--propose does not apply");
        CliRun.of("node", "--config", conf, "--log", "--exit-after", "1").isUsageError("--exit-after does not");
        CliRun.of("node", "--config", conf, "--log", "--graphs", dir).isUsageError("--graphs does not apply");
    }

    @Test
    void valuesArePrintableAndOfTheirSize() {
        assertThat(new String(Workload.value("ab12", 7, 10), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("ab12:7....");
        assertThat(Workload.value("ab12", 123, 3)).containsExactly('a', 'b', '1');
    }
}
