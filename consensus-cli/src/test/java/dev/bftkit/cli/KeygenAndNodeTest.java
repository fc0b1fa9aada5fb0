package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.NodeId;
import dev.bftkit.api.TransportException;
import dev.bftkit.conformance.doubles.Doubles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code consensus keygen} and {@code consensus node}, end to end through {@link Main#run}. */
class KeygenAndNodeTest {
    @TempDir
    Path dir;

    String keygen(Path file) {
        CliRun r = CliRun.of("keygen", "--out", file.toString(), "--json");
        assertThat(r.code()).as(r.describe()).isZero();
        return (String) r.json().get("nodeId");
    }

    static List<Map<String, Object>> events(CliRun r) {
        return r.out().lines().map(Json::parseObject).toList();
    }

    Path soloConfig(String id, String extra) throws IOException {
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "instance = solo\nkey = node.key\ntick.start.ms = 20\n"
                + "member = " + id + " 127.0.0.1:" + ClusterTestSupport.freePort() + "\n" + extra);
        return conf;
    }

    @Test
    void aParsecNodeProposingItsOwnDefaultValueInSupermajorityModeIsWarnedThatNothingWillBeDecided() {
        assertThat(NodeCommand.supermajorityWarning("parsec", Map.of(), 4, true)).get().asString()
                .contains("option.parsec.mode = single");
        assertThat(NodeCommand.supermajorityWarning("parsec", Map.of("parsec.mode", "supermajority"), 4, true))
                .isPresent();
        // no warning: Single mode, values given to the members, a committee of one, another algorithm
        assertThat(NodeCommand.supermajorityWarning("parsec", Map.of("parsec.mode", "single"), 4, true)).isEmpty();
        assertThat(NodeCommand.supermajorityWarning("parsec", Map.of(), 4, false)).isEmpty();
        assertThat(NodeCommand.supermajorityWarning("parsec", Map.of(), 1, true)).isEmpty();
        assertThat(NodeCommand.supermajorityWarning("streamlette", Map.of(), 4, true)).isEmpty();
    }

    @Test
    void keygenWritesAnOwnerOnlyKeyAndPrintsItsNodeId() throws IOException {
        Path key = dir.resolve("keys").resolve("a.key");
        CliRun r = CliRun.of("keygen", "--out", key.toString());
        assertThat(r.code()).as(r.describe()).isZero();
        String id = r.out().lines().findFirst().orElseThrow().replace("node id (public key): ", "");
        assertThat(NodeId.fromHex(id).length()).isEqualTo(32);
        KeyFile read = KeyFile.read(key);
        assertThat(read.crypto()).isEqualTo("bc");
        assertThat(read.key().publicKey().nodeId().toHex()).isEqualTo(id);
        assertThat(read.key().seed()).hasSize(32);
        assertThat(Files.readString(key)).contains("public=" + id).contains("crypto=bc");
        if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
            assertThat(r.out()).contains("readable by its owner only");
        }
        try (Stream<Path> files = Files.list(key.getParent())) {
            assertThat(files).containsExactly(key); // no temporary file left behind
        }

        CliRun.of("keygen", "--out", key.toString()).isUsageError("already exists (use --force to replace it)");
        assertThat(KeyFile.read(key).key().publicKey().nodeId().toHex()).isEqualTo(id);
        CliRun forced = CliRun.of("keygen", "--out", key.toString(), "--force", "--json");
        assertThat(forced.code()).isZero();
        assertThat(forced.json().get("nodeId")).isNotEqualTo(id)
                .isEqualTo(KeyFile.read(key).key().publicKey().nodeId().toHex());
        CliRun.of("keygen", "--out", dir.resolve("x.key").toString(), "--crypto", "insecure-fast")
                .isUsageError("crypto 'insecure-fast' is a test double");
        CliRun.of("keygen").isUsageError("Missing required option: '--out=FILE'");
    }

    @Test
    void aOneNodeCommitteeDecidesPrintsItAndRepeatsItOnRestart() throws IOException {
        String id = keygen(dir.resolve("node.key"));
        Path conf = soloConfig(id, "propose = hello world\n");
        Path graphs = dir.resolve("graphs");
        CliRun r = CliRun.of("node", "--config", conf.toString(), "--exit-after", "1", "--json", "--graphs",
                graphs.toString());
        assertThat(r.code()).as(r.describe()).isZero();
        List<Map<String, Object>> ev = events(r);
        assertThat(ev).extracting(e -> e.get("event")).containsExactly("started", "decided", "stopped");
        ev = List.of(Map.of(), ev.get(0), ev.get(1), ev.get(2));
        assertThat(ev.get(1)).containsEntry("instance", "solo").containsEntry("storage", "mapdb")
                .containsEntry("durable", true).containsEntry("earlier", List.of()).containsEntry("node", id);
        assertThat(ev.get(2)).containsEntry("value", "hello world").containsEntry("position", 0L)
                .containsEntry("earlier", "new").containsEntry("restored", false);
        assertThat(ev.get(3)).containsEntry("reason", "done").containsEntry("decisions", 1L);
        assertThat(Files.readString(dir.resolve("data").resolve("decided-solo.txt")))
                .isEqualTo("0 " + dev.bftkit.api.Bytes.hex("hello world".getBytes(StandardCharsets.UTF_8)) + "\n");
        String graph = "node-" + id.substring(0, 8) + "-solo-decision-0";
        try (Stream<Path> files = Files.list(graphs)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(
                    Graphs.graphviz().isPresent() ? List.of(graph + ".dot", graph + ".svg") : List.of(graph + ".dot"));
        }
        assertThat(Files.readString(graphs.resolve(graph + ".dot"))).startsWith("digraph");

        CliRun again = CliRun.of("node", "--config", conf.toString(), "--exit-after", "1");
        assertThat(again.code()).as(again.describe()).isZero();
        assertThat(again.out()).contains("decided earlier: #0 'hello world'")
                .contains("decided #0 'hello world'").contains("the same as decided earlier").contains("stopped (done)")
                .contains("restored from storage");

        CliRun other = CliRun.of("node", "--config", conf.toString(), "--exit-after", "1", "--instance", "second",
                "--propose", "another value", "--json");
        assertThat(other.code()).as(other.describe()).isZero();
        assertThat(events(other).get(1)).containsEntry("instance", "second").containsEntry("value", "another value")
                .containsEntry("earlier", "new");
    }

    /**
     * A transport that does not open is reported for what failed: the address taken, end to end, and a start that
     * failed before binding anything (interrupted while Vert.x was being created) without a word about listening.
     */
    @Test
    void aTransportThatDoesNotOpenIsReportedForTheStepThatFailed() throws IOException {
        String id = keygen(dir.resolve("node.key"));
        Path conf = dir.resolve("node.conf");
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = busy.getLocalPort();
            Files.writeString(conf, "instance = solo\nkey = node.key\nmember = " + id + " 127.0.0.1:" + port + "\n");
            CliRun r = CliRun.of("node", "--config", conf.toString(), "--exit-after", "1");
            assertThat(r.code()).as(r.describe()).isEqualTo(ExitCodes.FAILURE);
            assertThat(r.err()).contains("cannot open the transport on 127.0.0.1:" + port + ": ")
                    .containsOnlyOnce("cannot listen on ").contains("BindException");
        }
        TransportException interrupted = new TransportException(TransportException.Kind.CLOSED,
                "interrupted while the transport was waiting for its Vert.x instance to be created");
        assertThat(NodeCommand.transportFailed(new InetSocketAddress("127.0.0.1", 7001), interrupted).getMessage())
                .isEqualTo("cannot open the transport on 127.0.0.1:7001: CLOSED: interrupted while the transport was "
                        + "waiting for its Vert.x instance to be created");
    }

    @Test
    void theDefaultStorageIsMapdb() throws IOException {
        String id = keygen(dir.resolve("node.key"));
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "key = node.key\ntick.start.ms = 20\nmember = " + id + " 127.0.0.1:"
                + ClusterTestSupport.freePort() + "\n");
        CliRun r = CliRun.of("node", "--config", conf.toString(), "--exit-after", "1", "--json");
        assertThat(r.code()).as(r.describe()).isZero();
        assertThat(events(r).get(0)).containsEntry("event", "started").containsEntry("storage", "mapdb")
                .containsEntry("durable", true);
    }

    /** The kit's test doubles are for simulations: a production node refuses them by name and names the plugins. */
    @Test
    void aNodeRefusesTheTestDoubles() throws IOException {
        String id = keygen(dir.resolve("node.key"));
        String member = "member = " + id + " 127.0.0.1:47011\n";
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "key = node.key\n" + member + "storage = memory\n");
        CliRun.of("node", "--config", conf.toString()).isUsageError("storage 'memory' is a test double for simulate, "
                + "fuzz and bench, not a plugin a node can run on; storage plugins: mapdb");
        Files.writeString(conf, "key = node.key\n" + member + "crypto = insecure-fast\n");
        CliRun.of("node", "--config", conf.toString()).isUsageError("crypto 'insecure-fast' is a test double for "
                + "simulate, fuzz and bench, not a plugin a node can run on; crypto plugins: bc");
        // a key made with the double (by a test: keygen refuses it too) is refused as well
        Files.writeString(conf, "key = node.key\n" + member);
        new KeyFile("insecure-fast", Doubles.insecureCrypto().keyFromSeed(new byte[32])).write(dir.resolve("node.key"),
                true);
        CliRun.of("node", "--config", conf.toString()).isUsageError("crypto 'insecure-fast' is a test double");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aDecisionThatDiffersFromTheJournalFailsTheRun() throws IOException {
        String id = keygen(dir.resolve("node.key"));
        Path conf = soloConfig(id, "propose = first\n");
        assertThat(CliRun.of("node", "--config", conf.toString(), "--exit-after", "1").code()).isZero();
        // the journal now claims another value: whether the node reloads 'first' from durable storage or decides
        // its explicit proposal 'first' afresh, the decision differs from the record
        Files.writeString(dir.resolve("data").resolve("decided-solo.txt"),
                "0 " + dev.bftkit.api.Bytes.hex("tampered".getBytes(StandardCharsets.UTF_8)) + "\n");
        CliRun r = CliRun.of("node", "--config", conf.toString(), "--exit-after", "1", "--propose", "first");
        assertThat(r.code()).as(r.describe()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.out()).contains("decided earlier: #0 'tampered'").contains("decided #0 'first'")
                .contains("DIFFERENT from the value decided earlier");
        assertThat(r.err()).contains("consensus: decision #0 differs from the one recorded earlier in ");
    }

    @Test
    void badConfigFilesAreOneLineAndExitCode2() throws IOException {
        String id = keygen(dir.resolve("node.key"));
        String other = keygen(dir.resolve("other.key"));
        String member = "member = " + id + " 127.0.0.1:47011\n";
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("key = node.key\n" + member + "colour = blue\n", "bad.conf:3: unknown name 'colour'");
        cases.put("key = node.key\n" + member + "just words\n", "bad.conf:3: expected name = value");
        cases.put("key = node.key\n" + member + "member = beef 127.0.0.1:1\n", "member beef is not a valid bc public key");
        cases.put("key = node.key\nmember = xyz 127.0.0.1:1\n", "bad.conf:2: 'xyz' is not a node id");
        cases.put("key = node.key\nmember = " + id + " 127.0.0.1\n", "'127.0.0.1' is not HOST:PORT");
        cases.put("key = node.key\nmember = " + id + " 127.0.0.1:70000\n", "needs a port from 1 to 65535");
        cases.put("key = node.key\nmember = " + id + " 127.0.0.1:1 -3\n", "weight must be a whole number");
        cases.put("key = node.key\n" + member + member, "bad.conf:3: member " + id.substring(0, 8) + " is listed twice");
        cases.put("key = node.key\n" + member + "tick.start.ms = soon\n", "tick.start.ms must be a whole number");
        cases.put("key = node.key\n" + member + "tick.growth = 0.5\n", "tick.growth must be a number from 1 to 10");
        cases.put("key = node.key\n" + member + "decider = paxos\n", "no decider plugin named 'paxos'");
        cases.put("key = node.key\n" + member + "storage = tape\n", "no storage plugin named 'tape'");
        cases.put("key = node.key\n" + member + "key = other.key\n", "bad.conf:3: 'key' is already set on line 1");
        cases.put("key = node.key\n", "no 'member = ID HOST:PORT [WEIGHT]' lines");
        cases.put(member, "no 'key = FILE' line");
        cases.put("key = missing.key\n" + member, "missing.key not found");
        cases.put("key = other.key\n" + member, "node id " + other.substring(0, 8) + ") is not a member");
        cases.put("key = node.key\ninstance = " + "x".repeat(65) + "\n" + member, "instance id must be 1..64 bytes");
        Path bad = dir.resolve("bad.conf");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Files.writeString(bad, c.getKey());
            CliRun.of("node", "--config", bad.toString()).isUsageError(c.getValue());
        }
        Files.write(bad, new byte[] {'k', 'e', 'y', '=', (byte) 0xff, '\n'});
        CliRun.of("node", "--config", bad.toString()).isUsageError("is not UTF-8 text");
        CliRun.of("node", "--config", dir.resolve("nowhere.conf").toString()).isUsageError("nowhere.conf not found");
        CliRun.of("node", "--config", dir.toString()).isUsageError("is a directory");
        CliRun.of("node").isUsageError("Missing required option: '--config=FILE'");

        Files.writeString(bad, "key = node.key\n" + member);
        CliRun.of("node", "--config", bad.toString(), "--exit-after", "0").isUsageError("--exit-after must be at least 1");
        CliRun.of("node", "--config", bad.toString(), "--instance", "").isUsageError("instance '': ");
        Path key = dir.resolve("node.key");
        String good = Files.readString(key);
        Files.writeString(key, good.replaceFirst("public=[0-9a-f]{4}", "public=0000"));
        CliRun.of("node", "--config", bad.toString()).isUsageError("the public key does not match the seed");
        Files.writeString(key, good.replaceFirst("seed=", "seed=zz"));
        CliRun.of("node", "--config", bad.toString()).isUsageError("the seed is not hex");
        Files.writeString(key, "seed=00\n");
        CliRun.of("node", "--config", bad.toString()).isUsageError("needs crypto=, seed= and public= lines");
        Files.writeString(key, "rubbish\n");
        CliRun.of("node", "--config", bad.toString()).isUsageError("node.key:1: expected name=value");
    }
}
