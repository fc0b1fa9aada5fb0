package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.spi.Plugins;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code consensus cluster}: three separate JVMs of {@code consensus node} on 127.0.0.1 over real vertx sockets with
 * real bc keys decide, stop cleanly, and resume from their data directory with the decision intact. No timing
 * assertions: every wait is the command's own bounded --timeout, generous for a loaded machine.
 */
class ClusterCommandTest {
    static final String TIMEOUT = "240";

    @TempDir
    Path tmp;

    static List<Map<String, Object>> nodes(Map<String, Object> json) {
        return CliRun.maps(json.get("nodes"));
    }

    static List<Map<String, Object>> decisions(Map<String, Object> node) {
        return CliRun.maps(node.get("decisions"));
    }

    static Map<String, Object> run(String... args) {
        CliRun r = CliRun.of(args);
        assertThat(r.code()).as(r.describe()).isZero();
        Map<String, Object> m = r.json();
        assertThat(m).as(r.describe()).containsEntry("ok", true);
        return m;
    }

    /** Every node decided exactly once, all the same value; returns it. */
    static Object agreedValue(Map<String, Object> m, int n) {
        assertThat(nodes(m)).hasSize(n);
        Set<Object> values = nodes(m).stream().map(x -> {
            assertThat(decisions(x)).as(x.toString()).hasSize(1);
            assertThat(decisions(x).get(0)).containsEntry("position", 0L);
            return decisions(x).get(0).get("valueHex");
        }).collect(Collectors.toSet());
        assertThat(values).hasSize(1);
        return values.iterator().next();
    }

    @Test
    void aParsecClusterDecidesEveryNodesValueInTheSameOrder() throws IOException {
        Path data = tmp.resolve("parsec");
        Map<String, Object> m = run("cluster", "--algorithm", "parsec", "--nodes", "4", "--data", data.toString(),
                "--tick-ms", "50", "--json", "--timeout", TIMEOUT);
        assertThat(m).containsEntry("algorithm", "parsec");
        // each node proposes its own value, so a new cluster runs PARSEC in Single mode and writes that down
        assertThat(Files.readString(data.resolve("node-0").resolve("node.conf"))).contains("option.parsec.mode = single");
        List<Object> first = null;
        for (Map<String, Object> n : nodes(m)) {
            List<Object> order = decisions(n).stream().map(d -> d.get("valueHex")).toList();
            if (first == null) {
                first = order;
            }
            assertThat(order).as("node " + n.get("index") + "'s decisions").isEqualTo(first);
        }
        assertThat(first).hasSize(4).doesNotHaveDuplicates();
    }

    @Test
    void aClusterDecidesStopsCleanlyAndResumesFromItsDataDirectoryWithItsDecisionIntact() throws IOException {
        Path data = tmp.resolve("cluster");
        String dir = data.toString();
        boolean durable = Plugins.names().get("storage").contains("mapdb");

        Map<String, Object> first = run("cluster", "--nodes", "3", "--data", dir, "--tick-ms", "50", "--json",
                "--timeout", TIMEOUT);
        assertThat(first).containsEntry("created", true).containsEntry("algorithm", "streamlette")
                .containsEntry("instance", "demo");
        Object value = agreedValue(first, 3);
        for (Map<String, Object> n : nodes(first)) {
            assertThat(n).containsEntry("stoppedCleanly", true).containsEntry("earlier", List.of())
                    .containsEntry("address", "127.0.0.1:" + n.get("address").toString().split(":")[1]);
            assertThat(decisions(n).get(0)).containsEntry("earlier", "new").containsEntry("restored", false);
        }
        for (int i = 0; i < 3; i++) {
            Path node = data.resolve("node-" + i);
            assertThat(node.resolve("node.key")).isRegularFile();
            assertThat(NodeFile.read(node.resolve("node.conf")).members()).hasSize(3);
            assertThat(node.resolve("data").resolve("decided-demo.txt")).isRegularFile();
        }

        Map<String, Object> resumed = run("cluster", "--data", dir, "--json", "--timeout", TIMEOUT);
        assertThat(resumed).containsEntry("created", false);
        assertThat(agreedValue(resumed, 3)).isEqualTo(value);
        for (Map<String, Object> n : nodes(resumed)) {
            assertThat(n).containsEntry("stoppedCleanly", true).containsEntry("earlier", List.of(value));
            assertThat(decisions(n).get(0)).containsEntry("earlier", "same");
            if (durable) {
                // reloaded from mapdb: decided before the node's first tick, with no network needed
                assertThat(decisions(n).get(0)).containsEntry("restored", true);
            }
        }
        assertThat(nodes(resumed)).extracting(n -> n.get("id"))
                .containsExactlyElementsOf(nodes(first).stream().map(n -> n.get("id")).toList());

        // a new instance: a new decision by the same committee, shown as text as it happens
        CliRun second = CliRun.of("cluster", "--data", dir, "--instance", "second", "--timeout", TIMEOUT);
        assertThat(second.code()).as(second.describe()).isZero();
        assertThat(second.out()).startsWith("reusing a 3-node streamlette cluster in " + dir + " · instance second")
                .containsPattern("node [0-2]  decided #0 'second: value from node [0-2]'  at tick [0-9]+, ")
                .doesNotContain("decided earlier").contains("✓ all 3 nodes decided 'second: value from node ")
                .contains("stopped 3 of 3 nodes cleanly");
        assertThat(second.out().lines().filter(l -> l.contains(" decided #0 ")).count()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(data.resolve("node-" + i).resolve("data").resolve("decided-second.txt")).isRegularFile();
        }

        CliRun.of("cluster", "--data", dir, "--nodes", "4").isUsageError("holds a 3-node cluster, not 4");
        CliRun.of("cluster", "--data", dir, "--tick-ms", "10").isUsageError("apply to a new cluster");

        // a node that fails at start (its storage directory is a file): its error as one line, exit code 1, and
        // the other nodes are stopped
        Path storage = data.resolve("node-1").resolve("data").resolve("storage");
        deleteTree(storage);
        Files.writeString(storage, "not a directory");
        CliRun r = CliRun.of("cluster", "--data", dir, "--timeout", TIMEOUT);
        assertThat(r.code()).as(r.describe()).isEqualTo(ExitCodes.FAILURE);
        List<String> errors = r.err().lines().filter(l -> !l.startsWith("consensus: warning: ")).toList();
        assertThat(errors).as(r.describe()).hasSize(1);
        assertThat(errors.get(0)).startsWith("consensus: node 1 exited with code 1: consensus: ")
                .contains("node-1").contains("storage");
        assertThat(r.out()).containsPattern("stopped [0-2] of 3 nodes cleanly");
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(p)) {
            for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }

    @Test
    void badArgumentsAreOneLineAndExitCode2() {
        String dir = tmp.resolve("c").toString();
        CliRun.of("cluster").isUsageError("Missing required option: '--data=DIR'");
        CliRun.of("cluster", "--data", dir, "--algorithm", "paxos").isUsageError("no decider plugin named 'paxos'");
        CliRun.of("cluster", "--data", dir, "--nodes", "0").isUsageError("--nodes must be 1 to 64");
        CliRun.of("cluster", "--data", dir, "--storage", "tape").isUsageError("no storage plugin named 'tape'");
        CliRun.of("cluster", "--data", dir, "--instance", "").isUsageError("instance '': ");
        assertThat(tmp.resolve("c")).doesNotExist();
    }
}
