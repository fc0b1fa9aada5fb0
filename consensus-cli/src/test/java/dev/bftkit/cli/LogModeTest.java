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
 * Log mode ({@code --log}) of {@code cluster} and {@code node}: real nodes (separate JVMs for the cluster) over vertx
 * sockets, bc keys and mapdb stores run a replicated log, commit the values they append, agree by hash, and continue
 * their logs from storage when run again. No timing assertions: the cluster runs until every node committed an entry
 * of the run (bounded by its --timeout, generous for a loaded machine), a node for a fixed time.
 */
class LogModeTest {
    @TempDir
    Path tmp;

    static Map<String, Object> log(Map<String, Object> node) {
        return CliRun.map(node.get("log"));
    }

    /**
     * Runs a log cluster; asserts that every node committed entries of this run and that the logs agree, and on a
     * new cluster that values the nodes appended in this run committed (on a resumed one, its first entries may
     * carry only the values appended before the restart that had not committed yet).
     */
    static Map<String, Object> logCluster(String dir, boolean fresh) {
        Map<String, Object> m = ClusterCommandTest.run("cluster", "--log", "--data", dir, "--seconds", "2",
                "--rate", "50", "--value-bytes", "64", "--json", "--timeout", ClusterCommandTest.TIMEOUT);
        Map<String, Object> summary = CliRun.map(m.get("log"));
        assertThat(summary).containsEntry("agree", true).containsEntry("rate", 50L).containsEntry("valueBytes", 64L);
        assertThat((Long) summary.get("lowestHeight")).isNotNegative();
        long committed = 0;
        for (Map<String, Object> n : ClusterCommandTest.nodes(m)) {
            Map<String, Object> l = log(n);
            assertThat(n).containsEntry("stoppedCleanly", true);
            assertThat(ClusterCommandTest.decisions(n)).isEmpty();
            // every node holds the same entry at the lowest height they all reached, so the same log up to there
            assertThat(l.get("hash")).as(n.toString()).isEqualTo(summary.get("hash"));
            assertThat((Long) l.get("height")).isGreaterThanOrEqualTo((Long) summary.get("lowestHeight"));
            assertThat((Long) l.get("entries")).isGreaterThan((Long) l.get("restored"));
            assertThat((Long) l.get("values")).isPositive();
            committed += (Long) l.get("committed");
        }
        if (fresh) {
            assertThat(committed).as("values appended by the nodes and committed").isPositive();
        }
        return m;
    }

    @Test
    void aLogClusterCommitsValuesAgreesByHashAndContinuesItsLogsFromStorageWhenRunAgain() throws IOException {
        Path data = tmp.resolve("log");
        String dir = data.toString();
        Map<String, Object> first = logCluster(dir, true);
        assertThat(first).containsEntry("created", true).containsEntry("instance", "log");
        assertThat(Files.readString(data.resolve("node-0").resolve("node.conf"))).contains("tick.start.ms = 20");
        for (Map<String, Object> n : ClusterCommandTest.nodes(first)) {
            assertThat(log(n)).containsEntry("restored", 0L).containsEntry("restoredHeight", -1L);
        }

        // every node restarts on its data directory: it reloads its log from its store and continues it
        Map<String, Object> second = logCluster(dir, false);
        assertThat(second).containsEntry("created", false);
        List<Map<String, Object>> before = ClusterCommandTest.nodes(first);
        List<Map<String, Object>> after = ClusterCommandTest.nodes(second);
        for (int i = 0; i < after.size(); i++) {
            Map<String, Object> was = log(before.get(i));
            Map<String, Object> is = log(after.get(i));
            assertThat(after.get(i).get("id")).isEqualTo(before.get(i).get("id"));
            assertThat(is.get("restoredHeight")).as("node " + i).isEqualTo(was.get("height"));
            assertThat(is.get("restoredHash")).as("node " + i).isEqualTo(was.get("headHash"));
            assertThat((Long) is.get("restored")).isEqualTo((Long) was.get("height") + 1);
            assertThat((Long) is.get("height")).isGreaterThan((Long) was.get("height"));
        }
        assertThat((Long) CliRun.map(second.get("log")).get("lowestHeight"))
                .isGreaterThan((Long) CliRun.map(first.get("log")).get("lowestHeight"));

        // text: the nodes' progress, each node's hash at the lowest height, the check's line
        CliRun text = CliRun.of("cluster", "--log", "--data", dir, "--seconds", "1", "--timeout",
                ClusterCommandTest.TIMEOUT);
        assertThat(text.code()).as(text.describe()).isZero();
        assertThat(text.out()).startsWith("reusing a 4-node streamlette cluster in " + dir + " · instance log · ")
                .containsPattern("node [0-3]  restored [0-9,]+ entries from storage \\(heights 0 to [0-9]+, hash "
                        + "[0-9a-f]{8}\\)")
                .containsPattern("node [0-3]  height [0-9]+ · [0-9,]+ values/s · [0-9.]+ entries/s · own p50 ")
                .containsPattern("node 3  height [0-9]+  hash at [0-9]+: [0-9a-f]{8}  appended ")
                .containsPattern("✓ all 4 logs agree up to height [0-9]+ \\(hash [0-9a-f]{8}\\)")
                .contains("stopped 4 of 4 nodes cleanly");
    }

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
        CliRun.of("cluster", "--data", dir, "--rate", "5").isUsageError("--rate goes with --log");
        CliRun.of("cluster", "--data", dir, "--seconds", "5").isUsageError("--seconds goes with --log");
        CliRun.of("cluster", "--data", dir, "--log", "--values", "2").isUsageError("--values does not apply with "
                + "--log");
        CliRun.of("cluster", "--data", dir, "--log", "--keep-running").isUsageError("--keep-running does not apply");
        CliRun.of("cluster", "--data", dir, "--log", "--rate", "-1").isUsageError("--rate must be 0 to 100000");
        CliRun.of("cluster", "--data", dir, "--log", "--value-bytes", "0").isUsageError("--value-bytes must be 1 to");
        CliRun.of("cluster", "--data", dir, "--log", "--seconds", "0").isUsageError("--seconds must be 1 to 86400");
        assertThat(tmp.resolve("c")).doesNotExist();
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
