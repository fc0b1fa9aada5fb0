package dev.bftkit.cli;

import dev.bftkit.api.SeededRandom;
import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.checks.Swarm;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.conformance.sim.SimulationResult;
import dev.bftkit.conformance.sim.Simulator;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus fuzz}: the kit's swarm scenarios (a random mix of committee shape and weights, Byzantine strategies,
 * network faults and honest crashes per seed) for one or more deciders, on every core, for a time or run budget; each
 * violation is printed with the one command that replays it, and the end gives runs, their speed and counts per
 * scenario kind. In the style of TigerBeetle's VOPR.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run random swarm scenarios (committee shape and weights, one or more Byzantine strategies "
            + "among them the decider's own adversaries, network faults, honest crashes and restarts, safety or "
            + "liveness mode) on every core until the budget is spent. Each violation is printed with the command "
            + "that replays it; the end gives runs, runs per second and per CPU-minute, and counts per kind."},
        footer = {"", "Exit codes: 0 no violation, 1 a violation was found, 2 bad arguments."})
final class FuzzCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--decider", paramLabel = "NAME", split = ",", defaultValue = "streamlette,parsec",
            description = "Decider plugins to fuzz, in turn (default: ${DEFAULT-VALUE}).")
    List<String> deciders;

    @Option(names = {"-n", "--nodes"}, paramLabel = "N,N,…", split = ",", hideParamSyntax = true,
            defaultValue = "4,7", description = "Base committee sizes; each run takes n or n+1 (default: "
            + "${DEFAULT-VALUE}).")
    int[] nodes;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "1",
            description = "Wall-clock budget in minutes, unless --runs is given (default: ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "0",
            description = "Run exactly N scenarios instead of a time budget (the same N always runs the same seeds).")
    long runs;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "0",
            description = "Worker threads (default: one per core).")
    int threads;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "1",
            description = "Run i uses seed mix(S + i) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--replay", paramLabel = "SEED",
            description = "Run one scenario (with one --decider and one --nodes) and print it in full.")
    Long replay;

    @CommandLine.Mixin
    DeciderOptions options = new DeciderOptions();

    FuzzCommand() {
    }

    /** One decider's checks and swarm. */
    private record Target(String name, DeciderProvider provider, Map<String, String> options, Swarm swarm) {
    }

    @Override
    public Integer call() {
        List<Target> targets = targets();
        PrintWriter out = spec.commandLine().getOut();
        if (replay != null) {
            if (targets.size() != 1 || nodes.length != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--replay takes exactly one --decider and one --nodes");
            }
            return replay(targets.get(0), nodes[0], replay, out);
        }
        if (runs < 0 || runs == 0 && !(minutes > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give --minutes above 0 or --runs above 0");
        }
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Tally tally = new Tally(targets, nodes);
        long deadline = System.nanoTime() + (long) (minutes * 60e9);
        AtomicLong next = new AtomicLong();
        out.printf(Locale.ROOT, "fuzz: %s, n = %s (or +1), %d thread%s, %s%n", String.join(" and ", deciders),
                joined(nodes), workers, workers == 1 ? "" : "s", runs > 0 ? runs + " runs" : minutes + " minutes");
        out.flush();
        List<Thread> pool = new ArrayList<>();
        for (int t = 0; t < workers; t++) {
            Thread w = new Thread(() -> work(targets, next, deadline, tally, out), "bftkit-fuzz-" + t);
            pool.add(w);
            w.start();
        }
        for (Thread w : pool) {
            join(w);
        }
        out.print(tally.summary());
        out.flush();
        return tally.violations() == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private void work(List<Target> targets, AtomicLong next, long deadline, Tally tally, PrintWriter out) {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (long i = next.getAndIncrement(); runs > 0 ? i < runs : System.nanoTime() < deadline;
             i = next.getAndIncrement()) {
            Target target = targets.get((int) (i % targets.size()));
            int n = nodes[(int) ((i / targets.size()) % nodes.length)];
            long s = SeededRandom.mix(seed + i) & Long.MAX_VALUE;
            long cpuStart = cpu.isCurrentThreadCpuTimeSupported() ? cpu.getCurrentThreadCpuTime() : -1;
            Swarm.Run run = target.swarm().run(n, s);
            SimulationResult r = new Simulator(target.provider(), Doubles.insecureCrypto(), run.scenario(),
                    target.options()).run();
            long cpuNanos = cpuStart < 0 ? 0 : cpu.getCurrentThreadCpuTime() - cpuStart;
            tally.add(target.name(), n, run, r, cpuNanos);
            if (!r.ok()) {
                synchronized (out) {
                    out.println("VIOLATION " + target.name() + " n=" + n + " seed=" + s + " [" + run.kind() + "]");
                    r.violations().stream().limit(10).forEach(v -> out.println("  - " + v));
                    out.println("  replay: ./consensus fuzz --decider " + target.name() + " --nodes " + n
                            + " --replay " + s + DeciderOptions.flags(options.given));
                    out.flush();
                }
            }
        }
    }

    private int replay(Target target, int n, long s, PrintWriter out) {
        Swarm.Run run = target.swarm().run(n, s);
        SimulationResult r = new Simulator(target.provider(), Doubles.insecureCrypto(), run.scenario(),
                target.options()).run();
        out.println(target.name() + " n=" + n + " seed=" + s + " [" + run.kind() + "]");
        out.println("scenario: " + run.scenario().describe());
        out.printf(Locale.ROOT, "trace hash %016x, %d requests, %d responses, %d bytes, ended at %d ms%n",
                r.traceHash(), r.requests(), r.responses(), r.bytes(), r.endMs());
        r.decisions().forEach((node, list) -> out.println("  node " + node + ": " + list.size() + " decision(s)"
                + (r.decideTick().get(node) >= 0 ? ", first at tick " + r.decideTick().get(node) : "")));
        out.println(r.ok() ? "✓ invariants held" : "✗ violations:");
        r.violations().forEach(v -> out.println("  - " + v));
        out.flush();
        return r.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (String name : deciders) {
            DeciderProvider p = Plugins.decider(name.trim());
            Map<String, String> opts = options.of(p.name());
            DeciderChecks checks = new DeciderChecks(p, Doubles.insecureCrypto(), opts, 100,
                    Strategies.misconfigured(p.name()), Strategies.adversaries(p.name()));
            out.add(new Target(p.name(), p, opts, checks.swarm()));
        }
        return out;
    }

    private static void join(Thread w) {
        try {
            w.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String joined(int[] xs) {
        StringBuilder sb = new StringBuilder();
        for (int x : xs) {
            sb.append(sb.length() == 0 ? "" : ",").append(x);
        }
        return sb.toString();
    }

    /** Counts runs, CPU time and violations per decider and size, and runs per scenario kind. */
    static final class Tally {
        private final Map<String, long[]> bySize = new TreeMap<>(); // decider n → {runs, cpuNanos, violations}
        private final Map<String, Long> byKind = new TreeMap<>();
        private final long start = System.nanoTime();
        private long violations;

        Tally(List<Target> targets, int[] nodes) {
            for (Target t : targets) {
                for (int n : nodes) {
                    bySize.put(key(t.name(), n), new long[3]);
                }
            }
        }

        private static String key(String decider, int n) {
            return String.format(Locale.ROOT, "%-12s %3d", decider, n);
        }

        synchronized void add(String decider, int n, Swarm.Run run, SimulationResult r, long cpuNanos) {
            long[] c = bySize.get(key(decider, n));
            c[0]++;
            c[1] += cpuNanos;
            if (!r.ok()) {
                c[2]++;
                violations++;
            }
            for (String k : run.kinds()) {
                byKind.merge(k, 1L, Long::sum);
            }
        }

        synchronized long violations() {
            return violations;
        }

        synchronized String summary() {
            double wall = (System.nanoTime() - start) / 1e9;
            long total = 0;
            StringBuilder sb = new StringBuilder("\ndecider        n    runs  runs/s  runs/CPU-min  violations\n");
            for (Map.Entry<String, long[]> e : bySize.entrySet()) {
                long[] c = e.getValue();
                total += c[0];
                sb.append(String.format(Locale.ROOT, "%s  %6d  %6.1f  %12.0f  %10d%n", e.getKey(), c[0], c[0] / wall,
                        c[1] == 0 ? 0 : c[0] / (c[1] / 60e9), c[2]));
            }
            sb.append(String.format(Locale.ROOT, "%nruns %d in %.1f s (%.1f runs/s), violations %d%nby kind:",
                    total, wall, total / wall, violations));
            int col = 0;
            for (Map.Entry<String, Long> e : byKind.entrySet()) {
                sb.append(col++ % 4 == 0 ? "\n  " : "  ").append(String.format(Locale.ROOT, "%-28s",
                        e.getKey() + " " + e.getValue()));
            }
            return sb.append('\n').toString();
        }
    }
}
