package dev.bftkit.cli;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.Crypto;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.NetworkModel;
import dev.bftkit.conformance.sim.Roles;
import dev.bftkit.conformance.sim.Scenario;
import dev.bftkit.conformance.sim.SimBench;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus bench sim}: seeded simulations per committee size, in this thread, with the kit's simulator and
 * the {@code insecure-fast} crypto suite; reports ticks to decide, traffic per decision (and, for Streamlette, its
 * ratio to the floor), and runs per wall-second and per CPU-second.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run --runs seeded simulations per committee size (seeds S to S+runs-1) and report ticks to "
            + "decide, messages and bytes per decision, for streamlette the ratio to the floor 3(n+1)(n-1), and "
            + "the simulator's speed. Every figure but the speed is fixed by the seeds."},
        footer = {"", "Exit codes: 0 measured, 1 an invariant broke in a run, 2 bad arguments."})
final class BenchSimCommand implements Callable<Integer> {
    static final String DECIDER = "streamlette";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--decider", paramLabel = "NAME", defaultValue = DECIDER,
            description = "The decider plugin: streamlette or parsec (default: ${DEFAULT-VALUE}).")
    String decider;

    @Option(names = {"-n", "--nodes"}, paramLabel = "N,N,…", split = ",", hideParamSyntax = true,
            defaultValue = "4,7,16", description = "Committee sizes (default: ${DEFAULT-VALUE}).")
    int[] nodes;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "100",
            description = "Measured runs per size, one seed each (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "1",
            description = "The first run's seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "20",
            description = "Unmeasured runs before each size's measured ones, for the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--loss", paramLabel = "P", defaultValue = "0",
            description = "Chance a message is lost, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double loss;

    @Option(names = "--delay", paramLabel = "MIN-MAX", defaultValue = "10-100",
            converter = SimulateCommand.Delay.Converter.class,
            description = "Network delay range in virtual ms (default: ${DEFAULT-VALUE}).")
    SimulateCommand.Delay delay;

    @Option(names = "--duplication", paramLabel = "P", defaultValue = "0",
            description = "Chance a message is delivered twice, 0 to 1 (default: ${DEFAULT-VALUE}).")
    double duplication;

    @Option(names = "--drift", paramLabel = "PERCENT", defaultValue = "0",
            description = "Each node's clock runs up to this many percent fast or slow (default: ${DEFAULT-VALUE}).")
    double drift;

    @Option(names = "--max-ticks", paramLabel = "T", defaultValue = "100",
            description = "A run stops after T ticks if not every node decided (default: ${DEFAULT-VALUE}).")
    int maxTicks;

    @Option(names = "--crypto", paramLabel = "NAME", defaultValue = "insecure-fast",
            description = "What the simulated nodes sign with: insecure-fast (the kit's fast test double, for "
                    + "sweeps) or a crypto plugin such as bc (real Ed25519) (default: ${DEFAULT-VALUE}).")
    String crypto;

    @Option(names = "--byzantine", paramLabel = "K", defaultValue = "0",
            description = "K members (chosen by each run's seed) are Byzantine, behaving as --behaviour (default: "
                    + "${DEFAULT-VALUE}).")
    int byzantine;

    @Option(names = "--behaviour", paramLabel = "NAME", defaultValue = "silent",
            description = "What Byzantine members do, as for simulate (default: ${DEFAULT-VALUE}).")
    String behaviour;

    @CommandLine.Mixin
    BenchFlags common = new BenchFlags();

    BenchSimCommand() {
    }

    @Override
    public Integer call() {
        validate();
        DeciderProvider provider = Plugins.decider(decider);
        boolean streamlette = provider.name().equals("streamlette");
        Crypto suite = Plugins.crypto(crypto, Doubles.cryptoProviders()).create();
        Map<String, String> opts = common.deciderOptions(decider);
        NetworkModel network = new NetworkModel(delay.min(), delay.max(), loss, duplication);
        List<SimBench.Figures> figures = new ArrayList<>();
        for (int n : nodes) {
            java.util.function.LongFunction<Scenario> scenario = s -> withRoles(Scenario.builder(n, s)
                    .network(network).drift(drift).maxTicks(maxTicks), n, s).build();
            try {
                if (warmup > 0) {
                    // seeds far from the measured ones; their figures are dropped
                    SimBench.measure(provider, suite, opts, warmup, Long.MIN_VALUE / 2 + seed, scenario);
                }
                figures.add(SimBench.measure(provider, suite, opts, runs, seed, scenario));
            } catch (IllegalStateException e) {
                throw CliException.failure(e.getMessage(), e);
            }
        }
        Map<String, Object> report = report(figures, streamlette);
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
            out.println(Json.write(report));
        } else {
            out.print(text(figures, streamlette, report));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The run's Byzantine members, drawn from its seed as simulate draws them ({@link Roles}). */
    private Scenario.Builder withRoles(Scenario.Builder b, int n, long s) {
        SeededRandom r = Roles.random(s);
        List<Integer> order = Roles.order(n, r);
        Set<Integer> sideA = Roles.half(order.subList(byzantine, n), r);
        for (int i : order.subList(0, byzantine)) {
            b.byzantine(i, Strategies.byName(decider, behaviour, i, sideA));
        }
        return b;
    }

    private void validate() {
        if (nodes.length == 0 || nodes.length > 32) {
            throw CliException.usage("--nodes takes 1 to 32 sizes");
        }
        for (int n : nodes) {
            if (n < 1 || n > SimulateCommand.MAX_NODES) {
                throw CliException.usage("--nodes sizes must be 1 to " + SimulateCommand.MAX_NODES + ", got " + n);
            }
        }
        if (runs < 1 || runs > 1_000_000) {
            throw CliException.usage("--runs must be 1 to 1000000, got " + runs);
        }
        if (warmup < 0 || warmup > 1_000_000) {
            throw CliException.usage("--warmup must be 0 to 1000000, got " + warmup);
        }
        SimulateCommand.validateNetwork(loss, duplication, drift);
        for (int n : nodes) {
            if (byzantine < 0 || byzantine >= n) {
                throw CliException.usage("--byzantine must be 0 to one less than each size, got " + byzantine);
            }
        }
        if (!Strategies.names(decider).contains(behaviour)) {
            throw CliException.usage("unknown --behaviour '" + behaviour + "' for " + decider + "; known: "
                    + String.join(", ", Strategies.names(decider)));
        }
        if (maxTicks < 1 || maxTicks > 100_000) {
            throw CliException.usage("--max-ticks must be 1 to 100000, got " + maxTicks);
        }
    }

    /** The command that repeats this measurement, every flag spelled out. */
    String command() {
        StringBuilder sizes = new StringBuilder();
        for (int n : nodes) {
            sizes.append(sizes.length() > 0 ? "," : "").append(n);
        }
        return "./consensus bench sim --decider " + decider + " --nodes " + sizes + " --runs " + runs + " --seed "
                + seed + " --warmup " + warmup + " --loss " + SimulateCommand.number(loss) + " --delay " + delay
                + " --duplication " + SimulateCommand.number(duplication) + " --drift "
                + SimulateCommand.number(drift) + " --max-ticks " + maxTicks
                + (crypto.equals("insecure-fast") ? "" : " --crypto " + crypto)
                + (byzantine == 0 ? "" : " --byzantine " + byzantine + " --behaviour " + behaviour)
                + DeciderOptions.flags(common.deciderOptions(decider));
    }

    private static double round(double d, int places) {
        double f = Math.pow(10, places);
        return Double.isFinite(d) ? Math.round(d * f) / f : d;
    }

    private Map<String, Object> report(List<SimBench.Figures> figures, boolean streamlette) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "sim");
        m.put("decider", decider);
        m.put("options", common.deciderOptions(decider));
        m.put("crypto", crypto);
        m.put("storage", Doubles.MEMORY);
        Map<String, Object> net = new LinkedHashMap<>();
        net.put("minDelayMs", delay.min());
        net.put("maxDelayMs", delay.max());
        net.put("loss", loss);
        net.put("duplication", duplication);
        net.put("driftPercent", drift);
        net.put("maxTicks", maxTicks);
        m.put("network", net);
        m.put("runsPerSize", runs);
        m.put("firstSeed", seed);
        m.put("warmupRunsPerSize", warmup);
        List<Object> sizes = new ArrayList<>();
        for (SimBench.Figures f : figures) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("nodes", f.nodes());
            s.put("runs", f.runs());
            s.put("seeds", f.firstSeed() + "-" + (f.firstSeed() + f.runs() - 1));
            Map<String, Object> ticks = new LinkedHashMap<>();
            long[] t = f.ticks();
            ticks.put("min", t.length == 0 ? null : t[0]);
            ticks.put("median", t.length == 0 ? null : t[t.length / 2]);
            ticks.put("mean", t.length == 0 ? null : round(java.util.Arrays.stream(t).average().orElse(0), 3));
            ticks.put("max", t.length == 0 ? null : t[t.length - 1]);
            s.put("ticksToDecide", ticks);
            s.put("undecidedNodes", f.undecided());
            s.put("decisions", f.decisions());
            if (streamlette) {
                s.put("messagesPerDecision", round(f.streamletteMessagesPerDecision(), 2));
                s.put("floor", f.streamletteFloor());
                s.put("floorRatio", round(f.streamletteMessagesPerDecision() / f.streamletteFloor(), 3));
            }
            s.put("deliveriesPerDecision", round(f.deliveriesPerDecision(), 2));
            s.put("bytesPerDecision", round(f.bytesPerDecision(), 1));
            s.put("traceHash", String.format("%016x", f.traceHash()));
            Map<String, Object> speed = new LinkedHashMap<>();
            speed.put("wallMs", round(f.wallNanos() / 1e6, 1));
            speed.put("cpuMs", f.cpuNanos() < 0 ? null : round(f.cpuNanos() / 1e6, 1));
            speed.put("runsPerWallSecond", round(f.runsPerWallSecond(), 1));
            speed.put("runsPerCpuSecond", f.cpuNanos() < 0 ? null : round(f.runsPerCpuSecond(), 1));
            s.put("speed", speed);
            sizes.add(s);
        }
        m.put("sizes", sizes);
        m.put("deterministic", "every field except machine and each size's speed is fixed by the seeds and flags");
        m.put("machine", Machine.facts());
        m.put("command", command());
        return m;
    }

    private String text(List<SimBench.Figures> figures, boolean streamlette, Map<String, Object> report) {
        StringBuilder sb = new StringBuilder();
        sb.append("bench sim · ").append(decider).append(" · ").append(runs).append(" runs per size (seeds ")
                .append(seed).append('–').append(seed + runs - 1).append(") after ").append(warmup)
                .append(" warm-up runs · ").append(crypto).append(" crypto, memory storage\n");
        sb.append("network: ").append(delay.min()).append('–').append(delay.max()).append(" ms delay, ")
                .append(Text.percent(loss)).append(" loss, ").append(Text.percent(duplication))
                .append(" duplication, clocks ±").append(Text.percent(drift / 100)).append("; at most ")
                .append(maxTicks).append(" ticks\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) report.get("machine");
        sb.append(Machine.line(machine)).append("\n\n");
        Text.Table t = streamlette
                ? new Text.Table("n", "runs", "ticks min/median/max", "mean", "undecided", "messages/decision",
                        "floor 3(n+1)(n-1)", "ratio", "deliveries/decision", "bytes/decision", "runs/s",
                        "runs/CPU-s")
                : new Text.Table("n", "runs", "ticks min/median/max", "mean", "undecided", "decisions",
                        "deliveries/decision", "bytes/decision", "runs/s", "runs/CPU-s");
        for (SimBench.Figures f : figures) {
            long[] k = f.ticks();
            String ticks = k.length == 0 ? "-" : k[0] + " / " + k[k.length / 2] + " / " + k[k.length - 1];
            String mean = k.length == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f",
                    java.util.Arrays.stream(k).average().orElse(0));
            String perWall = String.format(Locale.ROOT, "%,.0f", f.runsPerWallSecond());
            String perCpu = f.cpuNanos() < 0 ? "-" : String.format(Locale.ROOT, "%,.0f", f.runsPerCpuSecond());
            String deliveries = String.format(Locale.ROOT, "%,.1f", f.deliveriesPerDecision());
            String bytes = String.format(Locale.ROOT, "%,.0f", f.bytesPerDecision());
            if (streamlette) {
                t.row(f.nodes(), f.runs(), ticks, mean, f.undecided(),
                        String.format(Locale.ROOT, "%,.1f", f.streamletteMessagesPerDecision()),
                        Text.count(f.streamletteFloor()), String.format(Locale.ROOT, "%.2f",
                                f.streamletteMessagesPerDecision() / f.streamletteFloor()),
                        deliveries, bytes, perWall, perCpu);
            } else {
                t.row(f.nodes(), f.runs(), ticks, mean, f.undecided(), Text.count(f.decisions()), deliveries, bytes,
                        perWall, perCpu);
            }
        }
        sb.append(t.render()).append('\n');
        sb.append("ticks: each honest node's ticks to its first decision, over all runs. ");
        sb.append(streamlette ? "messages: Streamlette messages delivered inside responses; "
                : "decisions: per run, the most positions an honest node decided; ");
        sb.append("deliveries: requests + responses; bytes: both.\n");
        sb.append("deterministic: every figure but runs/s and runs/CPU-s is fixed by the seeds and flags (trace hash");
        for (SimBench.Figures f : figures) {
            sb.append(String.format(" n=%d %016x", f.nodes(), f.traceHash()));
        }
        sb.append("); the speed is this machine's under its load, on one thread.\n");
        sb.append("repeat: ").append(command()).append('\n');
        return sb.toString();
    }
}
