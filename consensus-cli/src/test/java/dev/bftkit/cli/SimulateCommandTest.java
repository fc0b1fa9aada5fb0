package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulateCommandTest {

    static List<Map<String, Object>> nodes(Map<String, Object> json) {
        return CliRun.maps(json.get("nodeResults"));
    }

    static List<Map<String, Object>> decisions(Map<String, Object> node) {
        return CliRun.maps(node.get("decisions"));
    }

    @Test
    void theDefaultsAreADemoThatDecidesAndPrintsTheReplayCommand() {
        CliRun r = CliRun.of("simulate");
        assertThat(r.code()).as(r.describe()).isZero();
        assertThat(r.out()).contains("streamlette · 4 nodes (tolerates 1 faulty) · seed 1")
                .contains("20% loss").contains("node  id").contains("✓ invariants held")
                .contains("seed 1; replay: ./consensus simulate --seed 1\n");
        assertThat(r.out().lines().filter(l -> l.matches("^[0-3] .* honest +yes .*")).count()).isEqualTo(4);
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonReportsEveryNodeAndTheInvariants() {
        CliRun r = CliRun.of("simulate", "--json", "--nodes", "7", "--seed", "11");
        assertThat(r.code()).as(r.describe()).isZero();
        Map<String, Object> m = r.json();
        assertThat(m).containsEntry("algorithm", "streamlette").containsEntry("nodes", 7L).containsEntry("seed", 11L)
                .containsEntry("ok", true).containsEntry("violations", List.of());
        assertThat((String) m.get("replay")).isEqualTo("./consensus simulate --nodes 7 --seed 11");
        assertThat((Long) m.get("requests")).isPositive();
        assertThat((Long) m.get("bytes")).isPositive();
        List<Map<String, Object>> nodes = nodes(m);
        assertThat(nodes).hasSize(7);
        Object value = decisions(nodes.get(0)).get(0).get("valueHex");
        for (Map<String, Object> n : nodes) {
            assertThat(n).containsEntry("honest", true);
            assertThat((Long) n.get("decideTick")).isBetween(3L, 100L);
            assertThat((Long) n.get("decideTimeMs")).isPositive();
            assertThat(decisions(n)).hasSize(1);
            assertThat(decisions(n).get(0)).containsEntry("position", 0L).containsEntry("valueHex", value);
        }
    }

    @Test
    void parsecDecidesEveryNodesValuesByDefaultAndTakesItsModeAsAnOption() {
        CliRun r = CliRun.of("simulate", "--json", "--algorithm", "parsec", "--values", "2", "--heal-at", "0");
        assertThat(r.code()).as(r.describe()).isZero();
        Map<String, Object> m = r.json();
        assertThat(m).containsEntry("ok", true);
        assertThat((String) m.get("replay")).isEqualTo("./consensus simulate --algorithm parsec --values 2 --seed 1 "
                + "--heal-at 0");
        for (Map<String, Object> n : nodes(m)) {
            assertThat(decisions(n)).as("4 honest nodes x 2 values each, in Single mode").hasSize(8);
        }
        // the reason for that default: in Supermajority mode no value is submitted by more than 2/3 of the nodes
        CliRun supermajority = CliRun.of("simulate", "--json", "--algorithm", "parsec", "--option",
                "parsec.mode=supermajority");
        assertThat(supermajority.code()).as(supermajority.describe()).isZero();
        assertThat((String) supermajority.json().get("replay")).endsWith(" --option parsec.mode=supermajority");
        for (Map<String, Object> n : nodes(supermajority.json())) {
            assertThat(decisions(n)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "--seed 7",
        "--nodes 7 --seed 3 --byzantine 2 --behaviour forger --crash 1 --heal-at 20000",
        "--nodes 5 --seed 9 --partition 0-6000:0,1/2,3,4 --delay 20-80 --loss 0.1 --duplication 0 --drift 0 "
            + "--heal-at 6000 --tick-ms 500 --growth 1.1 --max-ticks 60",
        "--nodes 4 --seed 2 --weights 1,2,3,4 --byzantine 1 --behaviour garbage"})
    void theSameSeedGivesTheSameTraceAndTheReplayCommandReplaysIt(String flags) {
        String[] args = concat(new String[] {"simulate", "--json"}, CliRun.args(flags));
        Map<String, Object> first = CliRun.of(args).json();
        Map<String, Object> again = CliRun.of(args).json();
        assertThat(first.get("ok")).as(first.toString()).isEqualTo(true);
        assertThat(again.get("traceHash")).isEqualTo(first.get("traceHash"));
        assertThat(again.get("nodeResults")).isEqualTo(first.get("nodeResults"));
        String replay = (String) first.get("replay");
        assertThat(replay).startsWith("./consensus simulate ");
        String[] replayArgs = CliRun.args(replay.substring("./consensus ".length()));
        Map<String, Object> replayed = CliRun.of(concat(replayArgs, new String[] {"--json"})).json();
        assertThat(replayed.get("traceHash")).isEqualTo(first.get("traceHash"));
        assertThat(replayed.get("replay")).isEqualTo(replay);
    }

    @Test
    void anotherSeedGivesAnotherTrace() {
        Object a = CliRun.of("simulate", "--json", "--seed", "1").json().get("traceHash");
        Object b = CliRun.of("simulate", "--json", "--seed", "2").json().get("traceHash");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void byzantineAndCrashedNodesAreShownAndFaultsCounted() {
        String[] flags = {"simulate", "--nodes", "7", "--seed", "5", "--byzantine", "2", "--behaviour", "garbage",
            "--crash", "1", "--heal-at", "20000"};
        CliRun r = CliRun.of(concat(flags, new String[] {"--json"}));
        assertThat(r.code()).as(r.describe()).isZero();
        Map<String, Object> m = r.json();
        List<Map<String, Object>> nodes = nodes(m);
        List<Object> byz = new ArrayList<>();
        for (Map<String, Object> n : nodes) {
            if (n.get("honest").equals(false)) {
                assertThat(n).containsEntry("behaviour", "garbage").doesNotContainKey("decisions");
                byz.add(n.get("index"));
            }
        }
        assertThat(byz).hasSize(2);
        assertThat(nodes.stream().filter(n -> n.get("crashAtMs") != null)).hasSize(1)
                .allSatisfy(n -> assertThat((Long) n.get("restartAtMs")).isGreaterThan((Long) n.get("crashAtMs")));
        assertThat((Long) m.get("faultEntries")).isPositive();
        assertThat(CliRun.list(m.get("accused"))).containsExactlyInAnyOrderElementsOf(byz);
        assertThat(nodes.stream().filter(n -> n.get("honest").equals(true)))
                .allSatisfy(n -> assertThat(decisions(n)).hasSize(1));
        CliRun text = CliRun.of(flags);
        assertThat(text.out()).contains("Byzantine: garbage").contains("honest, down ")
                .containsPattern("fault logs  [1-9][0-9,]* entries, naming nodes " + byz.get(0) + ", " + byz.get(1));
    }

    @Test
    void aBrokenInvariantExitsWith1AndNamesIt() {
        // half the committee silent: no quorum, so liveness mode's termination check must fail
        CliRun r = CliRun.of("simulate", "--byzantine", "2", "--behaviour", "silent", "--heal-at", "0",
                "--max-ticks", "15");
        assertThat(r.code()).as(r.describe()).isEqualTo(ExitCodes.FAILURE);
        assertThat(r.out()).contains("invariants broke:").contains("- termination: node ")
                .contains("replay: ./consensus simulate --seed 1 --byzantine 2 --behaviour silent --heal-at 0 "
                        + "--max-ticks 15");
        assertThat(r.err()).contains("warning: the Byzantine nodes hold 2 of 4 weight");
        Map<String, Object> m = CliRun.of("simulate", "--byzantine", "2", "--behaviour", "silent", "--heal-at", "0",
                "--max-ticks", "15", "--json").json();
        assertThat(m.get("ok")).isEqualTo(false);
        assertThat(CliRun.list(m.get("violations"))).isNotEmpty();
    }

    @Test
    void graphsAreWrittenPerNodePerDecision(@TempDir Path dir) throws IOException {
        Path graphs = dir.resolve("graphs");
        CliRun r = CliRun.of("simulate", "--json", "--seed", "4", "--byzantine", "1", "--graphs", graphs.toString());
        assertThat(r.code()).as(r.describe()).isZero();
        List<String> files;
        try (Stream<Path> s = Files.list(graphs)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".dot")).sorted().toList();
        }
        List<String> expected = new ArrayList<>();
        for (Map<String, Object> n : nodes(r.json())) {
            for (Map<String, Object> d : n.get("honest").equals(true) ? decisions(n) : List.<Map<String, Object>>of()) {
                expected.add("node-" + n.get("index") + "-decision-" + d.get("position") + ".dot");
            }
        }
        assertThat(files).hasSize(3).containsExactlyInAnyOrderElementsOf(expected);
        for (String f : files) {
            assertThat(Files.readString(graphs.resolve(f))).startsWith("digraph").contains("->").endsWith("}\n");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> g = (Map<String, Object>) r.json().get("graphs");
        assertThat(g).containsEntry("dot", 3L).containsEntry("graphviz", Graphs.graphviz().isPresent());
    }

    @Test
    void svgGraphsWhenGraphvizIsInstalled(@TempDir Path dir) {
        assumeThat(Graphs.graphviz()).as("Graphviz 'dot' on the PATH").isPresent();
        CliRun r = CliRun.of("simulate", "--graphs", dir.toString());
        assertThat(r.code()).as(r.describe()).isZero();
        assertThat(r.out()).contains("4 DOT + 4 SVG files in " + dir);
        assertThat(dir.resolve("node-0-decision-0.svg")).content().contains("<svg");
    }

    @Test
    void badArgumentsAreOneLineAndExitCode2() {
        CliRun.of("simulate", "--nodes", "0").isUsageError("--nodes must be 1 to 1000");
        CliRun.of("simulate", "--nodes", "four").isUsageError("'four' is not an int");
        CliRun.of("simulate", "--delay", "9-3").isUsageError("'9-3' is not MIN-MAX");
        CliRun.of("simulate", "--loss", "1.5").isUsageError("probabilities");
        CliRun.of("simulate", "--partition", "0-100:0,1/7").isUsageError("names node 7");
        CliRun.of("simulate", "--partition", "soon").isUsageError("is not FROM-UNTIL:GROUPS");
        CliRun.of("simulate", "--byzantine", "3", "--crash", "2").isUsageError("at most --nodes");
        CliRun.of("simulate", "--behaviour", "sneaky").isUsageError("unknown --behaviour 'sneaky' for streamlette; known: silent");
        CliRun.of("simulate", "--algorithm", "paxos").isUsageError("no decider plugin named 'paxos'; found: ");
        CliRun.of("simulate", "--weights", "1,2").isUsageError("one weight per node");
        CliRun.of("simulate", "--heal-at", "-5").isUsageError("--heal-at");
    }

    @Test
    void helpListsEveryFlag() {
        CliRun r = CliRun.of("simulate", "--help");
        assertThat(r.code()).isZero();
        for (String flag : List.of("--algorithm", "--nodes", "--values", "--seed", "--loss", "--delay",
                "--duplication", "--drift", "--partition", "--crash", "--byzantine", "--behaviour", "--heal-at",
                "--tick-ms", "--growth", "--max-ticks", "--weights", "--graphs", "--json", "--verbose")) {
            assertThat(r.out()).contains(flag);
        }
        assertThat(r.out()).contains("twins").contains("Exit codes");
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
