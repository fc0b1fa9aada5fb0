package dev.bftkit.cli;

import dev.bftkit.api.Bytes;
import dev.bftkit.api.Decision;
import dev.bftkit.conformance.sim.CrashPlan;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What {@code consensus simulate} prints: a summary table, or one JSON object. */
final class SimulationReport {
    private final String algorithm;
    private final SimulationResult r;
    private final Scenario s;
    private final Map<Integer, String> byzantine;
    private final Map<Integer, CrashPlan> crashed;
    private final Simulator sim;
    private final long wallMs;
    private final String replay;
    /** What {@code --graphs} produced. */
    record GraphSummary(Path dir, int dotFiles, int svgFiles, boolean graphviz) {
    }

    private final GraphSummary graphs;

    SimulationReport(String algorithm, SimulationResult result, Map<Integer, String> byzantine,
                     Map<Integer, CrashPlan> crashed, Simulator sim, long wallMs, String replay,
                     GraphSummary graphs) {
        this.algorithm = algorithm;
        this.r = result;
        this.s = result.scenario();
        this.byzantine = byzantine;
        this.crashed = crashed;
        this.sim = sim;
        this.wallMs = wallMs;
        this.replay = replay;
        this.graphs = graphs;
    }

    private String role(int i) {
        if (byzantine.containsKey(i)) {
            return "Byzantine: " + byzantine.get(i);
        }
        CrashPlan c = crashed.get(i);
        return c == null ? "honest" : "honest, down " + Text.millis(c.atMs()) + "–" + Text.millis(c.restartAtMs());
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        header(sb);
        sb.append(nodeTable().render()).append('\n');
        traffic(sb);
        sb.append('\n');
        verdict(sb);
        sb.append("seed ").append(s.seed()).append("; replay: ").append(replay).append('\n');
        return sb.toString();
    }

    /** The committee, the mode, the network and the clock. */
    private void header(StringBuilder sb) {
        long f = sim.committee().maxFaultyWeight();
        boolean equal = sim.committee().totalWeight() == s.nodes();
        sb.append(algorithm).append(" · ").append(s.nodes()).append(" nodes (tolerates ")
                .append(equal ? f + " faulty" : "faulty weight " + f + " of " + sim.committee().totalWeight())
                .append(") · seed ").append(s.seed()).append(" · ")
                .append(s.livenessMode() ? "liveness mode: the network heals at " + Text.millis(s.healAtMs())
                        : "safety mode: faults for the whole run").append('\n');
        sb.append("network: ").append(s.network().minDelayMs()).append('–').append(s.network().maxDelayMs())
                .append(" ms delay, ").append(Text.percent(s.network().loss())).append(" loss, ")
                .append(Text.percent(s.network().duplication())).append(" duplication, clocks ±")
                .append(Text.percent(s.maxDriftPercent() / 100)).append("; ticks ").append(s.tickStartMs())
                .append(" ms × ").append(s.tickGrowth());
        if (!s.partitions().isEmpty()) {
            sb.append("; ").append(s.partitions().size()).append(s.partitions().size() == 1 ? " partition"
                    : " partitions");
        }
        sb.append("\n\n");
    }

    /** A row per node: its role, whether and when it decided, and its first value. */
    private Text.Table nodeTable() {
        Text.Table t = new Text.Table("node", "id", "role", "decided", "tick", "time", "value");
        for (int i = 0; i < s.nodes(); i++) {
            String id = sim.nodeId(i).toString();
            if (byzantine.containsKey(i)) {
                t.row(i, id, role(i), "-", "-", "-", "-");
                continue;
            }
            List<Decision> ds = r.decisions().getOrDefault(i, List.of());
            long time = r.decideTimeMs().getOrDefault(i, -1L);
            long tick = r.decideTick().getOrDefault(i, -1L);
            String value = ds.isEmpty() ? "-" : Text.value(ds.get(0).value())
                    + (ds.size() > 1 ? " (+" + (ds.size() - 1) + " more)" : "");
            t.row(i, id, role(i), ds.isEmpty() ? "no" : ds.size() == 1 ? "yes" : ds.size() + " values",
                    tick < 0 ? "-" : tick, time < 0 ? "-" : Text.millis(time), value);
        }
        return t;
    }

    /** Messages, fault logs, the run's times and trace hash, and the graphs written. */
    private void traffic(StringBuilder sb) {
        sb.append("messages    ").append(Text.count(r.requests())).append(" requests + ")
                .append(Text.count(r.responses())).append(" responses, ").append(Text.count(r.bytes()))
                .append(" bytes\n");
        sb.append("fault logs  ").append(Text.count(r.faultEntries())).append(" entries");
        if (!r.accused().isEmpty()) {
            sb.append(", naming node").append(r.accused().size() > 1 ? "s " : " ")
                    .append(String.join(", ", r.accused().keySet().stream().sorted().map(String::valueOf).toList()));
        }
        sb.append('\n');
        sb.append("run         ").append(Text.millis(r.endMs())).append(" simulated in ").append(Text.millis(wallMs))
                .append("; trace hash ").append(hash()).append('\n');
        if (graphs != null) {
            sb.append("graphs      ").append(graphs.dotFiles()).append(" DOT");
            if (graphs.graphviz()) {
                sb.append(" + ").append(graphs.svgFiles()).append(" SVG");
            }
            sb.append(" files in ").append(graphs.dir());
            if (!graphs.graphviz()) {
                sb.append(" (no SVG: Graphviz 'dot' is not on the PATH)");
            }
            sb.append('\n');
        }
    }

    /** The invariants that held, or each one that broke. */
    private void verdict(StringBuilder sb) {
        if (r.ok()) {
            sb.append("✓ invariants held: agreement, validity, integrity, proofs, fault logs")
                    .append(s.livenessMode() ? ", termination" : "").append('\n');
            if (!s.livenessMode() && !r.allDecided()) {
                sb.append("  not every honest node decided: safety mode does not require it "
                        + "(--heal-at MS requires progress after the network heals)\n");
            }
        } else {
            sb.append("✗ ").append(r.violations().size()).append(r.violations().size() == 1
                    ? " invariant broke:\n" : " invariants broke:\n");
            for (String v : r.violations()) {
                sb.append("  - ").append(v).append('\n');
            }
        }
    }

    private String hash() {
        return String.format("%016x", r.traceHash());
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", algorithm);
        m.put("nodes", s.nodes());
        m.put("seed", s.seed());
        m.put("scenario", s.describe());
        m.put("ok", r.ok());
        m.put("allDecided", r.allDecided());
        m.put("traceHash", hash());
        m.put("requests", r.requests());
        m.put("responses", r.responses());
        m.put("bytes", r.bytes());
        m.put("faultEntries", r.faultEntries());
        m.put("accused", r.accused().keySet().stream().sorted().toList());
        m.put("simulatedMs", r.endMs());
        m.put("wallMs", wallMs);
        List<Object> nodes = new ArrayList<>();
        for (int i = 0; i < s.nodes(); i++) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("index", i);
            n.put("id", sim.nodeId(i).toHex());
            n.put("honest", !byzantine.containsKey(i));
            n.put("behaviour", byzantine.get(i));
            CrashPlan c = crashed.get(i);
            n.put("crashAtMs", c == null ? null : c.atMs());
            n.put("restartAtMs", c == null ? null : c.restartAtMs());
            if (!byzantine.containsKey(i)) {
                n.put("decideTick", r.decideTick().getOrDefault(i, -1L));
                n.put("decideTimeMs", r.decideTimeMs().getOrDefault(i, -1L));
                List<Object> ds = new ArrayList<>();
                for (Decision d : r.decisions().getOrDefault(i, List.of())) {
                    Map<String, Object> dm = new LinkedHashMap<>();
                    dm.put("position", d.position());
                    dm.put("value", Text.printable(d.value()).orElse(null));
                    dm.put("valueHex", Bytes.hex(d.value()));
                    ds.add(dm);
                }
                n.put("decisions", ds);
            }
            nodes.add(n);
        }
        m.put("nodeResults", nodes);
        m.put("violations", r.violations());
        if (graphs != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("dir", graphs.dir().toString());
            g.put("dot", graphs.dotFiles());
            g.put("svg", graphs.svgFiles());
            g.put("graphviz", graphs.graphviz());
            m.put("graphs", g);
        }
        m.put("replay", replay);
        return m;
    }
}
