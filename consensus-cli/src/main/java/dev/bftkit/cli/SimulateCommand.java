package dev.bftkit.cli;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.CrashPlan;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Partition;
import dev.bftkit.conformance.sim.Roles;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus simulate}: a deterministic run of n Deciders in the conformance kit's simulator, with the
 * network, crash and Byzantine faults the flags ask for; prints a summary, the seed and the command that replays it,
 * and exits 1 if an invariant broke.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a deterministic simulation: n nodes of one algorithm in one thread, a virtual clock, a "
            + "faulty network, crashes and Byzantine nodes, all from one seed. Checks agreement, validity, "
            + "integrity, decision proofs, fault logs and (with --heal-at) termination.",
            "With no flags: streamlette, 4 nodes, seed 1, a lossy reordering network."},
        footer = {"", "Exit codes: 0 every invariant held, 1 an invariant broke, 2 bad arguments.",
            "The same flags and seed replay the same run, byte for byte (same trace hash)."})
final class SimulateCommand implements Callable<Integer> {
    static final String ALGORITHM = "streamlette";
    static final int NODES = 4;
    static final int VALUES = 1;
    static final long SEED = 1;
    static final long TICK_MS = 1000;
    static final double GROWTH = 1.05;
    static final int MAX_TICKS = 100;
    static final Delay DELAY = new Delay(10, 400);
    static final double LOSS = 0.2;
    static final double DUPLICATION = 0.05;
    static final double DRIFT = 5;
    static final String BEHAVIOUR = "twins";
    static final int MAX_NODES = 1000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-a", "--algorithm"}, paramLabel = "NAME", defaultValue = ALGORITHM,
            description = "The decider plugin: streamlette or parsec (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Option(names = {"-n", "--nodes"}, paramLabel = "N", defaultValue = "" + NODES,
            description = "Committee size (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = {"-k", "--values"}, paramLabel = "K", defaultValue = "" + VALUES,
            description = "Values each honest node submits (ordered-stream deciders; default: ${DEFAULT-VALUE}).")
    int values;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "" + SEED,
            description = "The seed of everything random in the run (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--loss", paramLabel = "P", defaultValue = "" + LOSS,
            description = "Chance a message is lost, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--delay", paramLabel = "MIN-MAX", defaultValue = "10-400", converter = Delay.Converter.class,
            description = "Network delay range in virtual ms; different delays reorder messages "
                    + "(default: ${DEFAULT-VALUE}).")
    Delay delay;

    @Option(names = "--duplication", paramLabel = "P", defaultValue = "" + DUPLICATION,
            description = "Chance a message is delivered twice, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double duplication;

    @Option(names = "--drift", paramLabel = "PERCENT", defaultValue = "" + DRIFT,
            description = "Each node's clock runs up to this many percent fast or slow (default: ${DEFAULT-VALUE}).")
    double drift;

    @Option(names = "--partition", paramLabel = "FROM-UNTIL:GROUPS", converter = PartitionSpec.Converter.class,
            description = "A partition from FROM until UNTIL virtual ms; GROUPS are node indexes, groups split by "
                    + "'/', members by ',': 0-8000:0,1/2,3 cuts {0,1} off {2,3}. A node in no group is cut off "
                    + "from everyone. Repeatable.")
    List<PartitionSpec> partitions = new ArrayList<>();

    @Option(names = "--crash", paramLabel = "K", defaultValue = "0",
            description = "K honest nodes (chosen by the seed) crash and restart from their storage.")
    int crash;

    @Option(names = "--byzantine", paramLabel = "K", defaultValue = "0",
            description = "K nodes (chosen by the seed) are Byzantine, behaving as --behaviour.")
    int byzantine;

    @Option(names = "--behaviour", paramLabel = "NAME", defaultValue = BEHAVIOUR,
            description = "What Byzantine nodes do: ${COMPLETION-CANDIDATES} (the last four are Streamlette's own; "
                    + "default: ${DEFAULT-VALUE}).",
            completionCandidates = BehaviourNames.class)
    String behaviour;

    @Option(names = "--heal-at", paramLabel = "MS",
            description = "Liveness mode: from MS virtual ms the network is clean (no loss, no partition) and every "
                    + "honest node must decide within --max-ticks ticks. Without it: safety mode, faults all run.")
    Long healAt;

    @Option(names = "--tick-ms", paramLabel = "MS", defaultValue = "" + TICK_MS,
            description = "The first logical tick's length in virtual ms (default: ${DEFAULT-VALUE}).")
    long tickMs;

    @Option(names = "--growth", paramLabel = "FACTOR", defaultValue = "" + GROWTH,
            description = "Each tick lasts this factor longer than the one before (default: ${DEFAULT-VALUE}).")
    double growth;

    @Option(names = "--max-ticks", paramLabel = "T", defaultValue = "" + MAX_TICKS,
            description = "Stop after T ticks (after healing, in liveness mode) if not everyone decided "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxTicks;

    @Option(names = "--weights", paramLabel = "W,W,…", split = ",", hideParamSyntax = true,
            description = "Voting weight of each node, in index order (default: all 1).")
    long[] weights;

    @Option(names = "--graphs", paramLabel = "DIR",
            description = "Write each honest node's graph at each decision as DOT (and SVG when Graphviz 'dot' is "
                    + "on the PATH) into DIR.")
    Path graphs;

    @CommandLine.Mixin
    DeciderOptions options = new DeciderOptions();

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    SimulateCommand() {
    }

    /** The behaviour names, for the help text. */
    static final class BehaviourNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        BehaviourNames() {
            super(Strategies.allNames());
        }
    }

    @Override
    public Integer call() {
        validate();
        DeciderProvider provider = Plugins.decider(algorithm);
        Cast roles = cast();
        Scenario scenario = scenario(roles);
        PrintWriter out = spec.commandLine().getOut();
        if (!json) {
            warnings(provider, roles).forEach(w -> spec.commandLine().getErr().println("consensus: warning: " + w));
        }
        Optional<Graphs> graphWriter = Optional.ofNullable(graphs).map(Graphs::in);
        Progress progress = new Progress(scenario, json || System.console() == null ? null : out);
        Simulator sim = new Simulator(provider, Doubles.insecureCrypto(), scenario,
                options.of(algorithm))
                .onDelivery(progress::delivered)
                .onDecision((t, node, d, dot) -> {
                    progress.decided(t, node);
                    graphWriter.ifPresent(g -> g.write("node-" + node + "-decision-" + d.position(), dot.get()));
                });
        long started = System.nanoTime();
        SimulationResult result = sim.run();
        long wallMs = (System.nanoTime() - started) / 1_000_000;
        progress.clear();
        SimulationReport.GraphSummary graphSummary = graphWriter.map(this::render).orElse(null);
        SimulationReport report = new SimulationReport(provider.name(), result, roles.byzantine, roles.crashed,
                sim, wallMs, replayCommand(), graphSummary);
        if (json) {
            out.println(Json.write(report.json()));
        } else {
            out.print(report.text());
        }
        out.flush();
        return result.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private SimulationReport.GraphSummary render(Graphs g) {
        OptionalInt svg = g.renderSvg();
        return new SimulationReport.GraphSummary(g.dir(), g.written().size(), svg.orElse(0), svg.isPresent());
    }

    private void validate() {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw CliException.usage("--nodes must be 1 to " + MAX_NODES + ", got " + nodes);
        }
        if (values < 1 || values > 10_000) {
            throw CliException.usage("--values must be 1 to 10000, got " + values);
        }
        validateNetwork(loss, duplication, drift);
        if (tickMs < 1 || !(growth >= 1 && growth <= 10)) {
            throw CliException.usage("--tick-ms must be at least 1 and --growth from 1 to 10");
        }
        if (maxTicks < 1 || maxTicks > 100_000) {
            throw CliException.usage("--max-ticks must be 1 to 100000, got " + maxTicks);
        }
        if (crash < 0 || byzantine < 0 || crash + byzantine > nodes) {
            throw CliException.usage("--crash and --byzantine must be non-negative and together at most --nodes ("
                    + nodes + ")");
        }
        if (!Strategies.names(algorithm).contains(behaviour)) {
            throw CliException.usage("unknown --behaviour '" + behaviour + "' for " + algorithm + "; known: "
                    + String.join(", ", Strategies.names(algorithm)));
        }
        if (healAt != null && healAt < 0) {
            throw CliException.usage("--heal-at must be a time in ms, at least 0");
        }
        if (weights != null) {
            if (weights.length != nodes) {
                throw CliException.usage("--weights needs one weight per node (" + nodes + "), got "
                        + weights.length);
            }
            long total = 0;
            for (long w : weights) {
                if (w < 0 || w > 1_000_000_000L) {
                    throw CliException.usage("--weights must be 0 to 1000000000 each");
                }
                total += w;
            }
            if (total == 0) {
                throw CliException.usage("--weights must not all be 0");
            }
        }
        for (PartitionSpec p : partitions) {
            for (Set<Integer> g : p.partition().groups()) {
                for (int i : g) {
                    if (i >= nodes) {
                        throw CliException.usage("--partition " + p.text() + " names node " + i + ", but nodes are "
                                + "0 to " + (nodes - 1));
                    }
                }
            }
        }
    }

    /** Checks the network flags that {@code simulate} and {@code bench sim} share. */
    static void validateNetwork(double loss, double duplication, double drift) {
        if (!(loss >= 0 && loss <= 1) || !(duplication >= 0 && duplication <= 1)) {
            throw CliException.usage("--loss and --duplication are probabilities from 0 to 1");
        }
        if (!(drift >= 0 && drift < 100)) {
            throw CliException.usage("--drift must be a percentage from 0 to below 100, got " + drift);
        }
    }

    /** Which nodes are Byzantine, which crash, and the side the twins' first half serves: all from the seed. */
    record Cast(TreeMap<Integer, String> byzantine, TreeMap<Integer, CrashPlan> crashed, Set<Integer> sideA) {
    }

    /** The run's cast, drawn from its seed: the first K of the role order are Byzantine, the next ones crash. */
    private Cast cast() {
        SeededRandom r = Roles.random(seed);
        List<Integer> idx = Roles.order(nodes, r);
        TreeMap<Integer, String> byz = new TreeMap<>();
        for (int i : idx.subList(0, byzantine)) {
            byz.put(i, behaviour);
        }
        List<Integer> honest = new ArrayList<>(idx.subList(byzantine, nodes));
        TreeMap<Integer, CrashPlan> crashes = new TreeMap<>();
        for (int i : honest.subList(0, crash)) {
            long at = tickMs / 2 + r.nextLong(3 * tickMs);
            long restart = at + tickMs + r.nextLong(4 * tickMs);
            crashes.put(i, new CrashPlan(i, at, restart));
        }
        return new Cast(byz, crashes, Roles.half(honest, r));
    }

    private Scenario scenario(Cast roles) {
        Scenario.Builder b = Scenario.builder(nodes, seed).clock(tickMs, growth).drift(drift)
                .network(new NetworkModel(delay.min(), delay.max(), loss, duplication)).maxTicks(maxTicks)
                .values(values);
        if (weights != null) {
            b.weights(weights);
        }
        partitions.forEach(p -> b.partition(p.partition()));
        roles.crashed().values().forEach(b::crash);
        roles.byzantine().forEach((i, name) -> b.byzantine(i, Strategies.byName(algorithm, name, i,
                roles.sideA())));
        if (healAt != null) {
            b.healAt(healAt);
        }
        return b.build();
    }

    private List<String> warnings(DeciderProvider provider, Cast roles) {
        List<String> w = new ArrayList<>();
        long total = 0;
        long faulty = 0;
        for (int i = 0; i < nodes; i++) {
            long wi = weights == null ? 1 : weights[i];
            total += wi;
            if (roles.byzantine().containsKey(i)) {
                faulty += wi;
            }
        }
        if (3 * faulty >= total && faulty > 0) {
            w.add("the Byzantine nodes hold " + faulty + " of " + total + " weight, not less than a third: "
                    + "the algorithm promises nothing, expect broken invariants");
        }
        if (crash > 0 && !provider.capabilities().contains(DeciderProvider.Capability.RESTART_FROM_STORAGE)) {
            w.add(provider.name() + " does not claim to restart from storage; crashed nodes may not recover");
        }
        return w;
    }

    /** The one command that replays this run: every flag that differs from its default, and the seed. */
    String replayCommand() {
        StringBuilder sb = new StringBuilder("./consensus simulate");
        if (!algorithm.equals(ALGORITHM)) {
            sb.append(" --algorithm ").append(algorithm);
        }
        if (nodes != NODES) {
            sb.append(" --nodes ").append(nodes);
        }
        if (values != VALUES) {
            sb.append(" --values ").append(values);
        }
        sb.append(" --seed ").append(seed);
        if (weights != null) {
            sb.append(" --weights ");
            for (int i = 0; i < weights.length; i++) {
                sb.append(i > 0 ? "," : "").append(weights[i]);
            }
        }
        if (!delay.equals(DELAY)) {
            sb.append(" --delay ").append(delay);
        }
        if (loss != LOSS) {
            sb.append(" --loss ").append(number(loss));
        }
        if (duplication != DUPLICATION) {
            sb.append(" --duplication ").append(number(duplication));
        }
        if (drift != DRIFT) {
            sb.append(" --drift ").append(number(drift));
        }
        partitions.forEach(p -> sb.append(" --partition ").append(p.text()));
        if (crash != 0) {
            sb.append(" --crash ").append(crash);
        }
        if (byzantine != 0) {
            sb.append(" --byzantine ").append(byzantine).append(" --behaviour ").append(behaviour);
        }
        if (healAt != null) {
            sb.append(" --heal-at ").append(healAt);
        }
        if (tickMs != TICK_MS) {
            sb.append(" --tick-ms ").append(tickMs);
        }
        if (growth != GROWTH) {
            sb.append(" --growth ").append(number(growth));
        }
        if (maxTicks != MAX_TICKS) {
            sb.append(" --max-ticks ").append(maxTicks);
        }
        sb.append(DeciderOptions.flags(options.given));
        return sb.toString();
    }

    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** A delay range in virtual milliseconds. */
    record Delay(long min, long max) {
        @Override
        public String toString() {
            return min + "-" + max;
        }

        /** Parses {@code MIN-MAX}. */
        static final class Converter implements CommandLine.ITypeConverter<Delay> {
            @Override
            public Delay convert(String value) {
                String[] p = value.split("-", -1);
                try {
                    long min = Long.parseLong(p[0].trim());
                    long max = p.length == 1 ? min : Long.parseLong(p[1].trim());
                    if (p.length > 2 || min < 1 || max < min) {
                        throw new NumberFormatException();
                    }
                    return new Delay(min, max);
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException("'" + value + "' is not MIN-MAX in whole "
                            + "milliseconds with 1 <= MIN <= MAX");
                }
            }
        }
    }

    /**
     * A partition and the text it was given as, for the replay command.
     *
     * @param text the normalized text
     * @param partition the partition
     */
    record PartitionSpec(String text, Partition partition) {
        /** Parses {@code FROM-UNTIL:GROUPS}. */
        static final class Converter implements CommandLine.ITypeConverter<PartitionSpec> {
            @Override
            public PartitionSpec convert(String value) {
                String bad = "'" + value + "' is not FROM-UNTIL:GROUPS (for example 0-8000:0,1/2,3)";
                int colon = value.indexOf(':');
                if (colon < 0) {
                    throw new CommandLine.TypeConversionException(bad);
                }
                try {
                    String[] span = value.substring(0, colon).split("-", -1);
                    long from = Long.parseLong(span[0].trim());
                    long until = span.length == 2 ? Long.parseLong(span[1].trim()) : -1;
                    if (span.length != 2 || from < 0 || until < from) {
                        throw new NumberFormatException();
                    }
                    List<Set<Integer>> groups = new ArrayList<>();
                    StringBuilder text = new StringBuilder().append(from).append('-').append(until).append(':');
                    for (String g : value.substring(colon + 1).split("/", -1)) {
                        Set<Integer> group = new TreeSet<>();
                        for (String m : g.split(",", -1)) {
                            int i = Integer.parseInt(m.trim());
                            if (i < 0) {
                                throw new NumberFormatException();
                            }
                            group.add(i);
                        }
                        groups.add(group);
                        text.append(groups.size() > 1 ? "/" : "").append(String.join(",",
                                group.stream().map(String::valueOf).toList()));
                    }
                    return new PartitionSpec(text.toString(), new Partition(from, until, groups));
                } catch (NumberFormatException e) {
                    throw new CommandLine.TypeConversionException(bad);
                }
            }
        }
    }

    /**
     * Live progress on a terminal: one status line (virtual time, tick, messages, decisions), redrawn at most ten
     * times a second of wall time. Silent when there is no terminal.
     */
    static final class Progress {
        private final Scenario scenario;
        private final PrintWriter out;
        private final Set<Integer> decided = new TreeSet<>();
        private long messages;
        private long tick;
        private double tickEnd;
        private long lastDraw;
        private boolean drawn;

        Progress(Scenario scenario, PrintWriter out) {
            this.scenario = scenario;
            this.out = out;
            this.tickEnd = scenario.tickStartMs();
        }

        void delivered(long timeMs, int from, int to, boolean response, byte[] bytes) {
            messages++;
            if (out != null) {
                draw(timeMs, false);
            }
        }

        void decided(long timeMs, int node) {
            decided.add(node);
            if (out != null) {
                draw(timeMs, true);
            }
        }

        private void draw(long timeMs, boolean force) {
            while (timeMs >= tickEnd) {
                tick++;
                tickEnd += scenario.tickStartMs() * Math.pow(scenario.tickGrowth(), tick);
            }
            long now = System.nanoTime();
            if (!force && drawn && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            drawn = true;
            out.print(String.format(Locale.ROOT, "\r  simulating: %s virtual, tick %d, %s messages, %d/%d honest "
                    + "nodes decided ", Text.millis(timeMs), tick, Text.count(messages), decided.size(),
                    scenario.nodes() - scenario.byzantine().size()));
            out.flush();
        }

        void clear() {
            if (out != null && drawn) {
                out.print("\r" + " ".repeat(100) + "\r");
                out.flush();
            }
        }
    }
}
