package dev.bftkit.cli;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.conformance.doubles.Doubles;
import dev.bftkit.runtime.LocalCluster;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus bench cluster}: n nodes in this JVM on real parts ({@link LocalCluster}), K decisions on fresh
 * instances; the first opens the stores and transports (cold), the others reuse them (warm).
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run n nodes in this JVM on real parts (vertx on 127.0.0.1, bc keys, the chosen storage in a "
            + "temporary directory deleted afterwards) and time K decisions, each a new instance: the first opens "
            + "the stores and transports (cold), the rest reuse them as a running committee would (warm)."},
        footer = {"", "Exit codes: 0 measured, 1 a decision failed or timed out, 2 bad arguments."})
final class BenchClusterCommand implements Callable<Integer> {
    static final int MAX_NODES = 16;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--nodes"}, paramLabel = "N", defaultValue = "4",
            description = "Committee size, 1 to " + MAX_NODES + " (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--decider", paramLabel = "NAME", defaultValue = "streamlette",
            description = "The decider plugin: streamlette or parsec (default: ${DEFAULT-VALUE}).")
    String decider;

    @Option(names = "--storage", paramLabel = "NAME", defaultValue = "mapdb",
            description = "The storage plugin: mapdb or memory (default: ${DEFAULT-VALUE}).")
    String storage;

    @Option(names = {"-k", "--decisions"}, paramLabel = "K", defaultValue = "20",
            description = "Decisions to time, the first cold (default: ${DEFAULT-VALUE}).")
    int decisions;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up if one decision takes longer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @CommandLine.Mixin
    BenchFlags common = new BenchFlags();

    BenchClusterCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw CliException.usage("--nodes must be 1 to " + MAX_NODES + ", got " + nodes);
        }
        if (decisions < 1 || decisions > 10_000) {
            throw CliException.usage("--decisions must be 1 to 10000, got " + decisions);
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
            throw CliException.usage("--timeout must be 1 to 3600 seconds, got " + timeoutSeconds);
        }
        Map<String, Object> machine = Machine.facts();
        double[] ms = new double[decisions];
        int k = 0;
        long start = System.nanoTime();
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly().decider(decider).transport("vertx")
                .storage(Plugins.storage(storage, Doubles.storageProviders())).crypto("bc").options(common.deciderOptions(decider)), nodes, 7)) {
            for (; k < decisions; k++) {
                long from = k == 0 ? start : System.nanoTime();
                ms[k] = cluster.decide(InstanceId.of("bench-d" + k), Duration.ofSeconds(timeoutSeconds))
                        .millisSince(from);
            }
        } catch (ConfigurationException e) {
            throw CliException.usage(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw CliException.failure("cannot make the temporary directory: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw CliException.failure("decision " + (k + 1) + " did not come within " + timeoutSeconds + " s", e);
        } catch (ExecutionException e) {
            throw CliException.failure("decision " + (k + 1) + " failed: " + CliException.oneLine(e.getCause()), e);
        }
        Map<String, Object> report = report(ms, machine);
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
            out.println(Json.write(report));
        } else {
            out.print(text(ms, machine));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The command that repeats this measurement, every flag spelled out. */
    String command() {
        return "./consensus bench cluster --nodes " + nodes + " --decider " + decider + " --storage " + storage
                + " --decisions " + decisions
                + DeciderOptions.flags(common.deciderOptions(decider));
    }

    private String setup() {
        return nodes + " " + decider + " nodes in one JVM · vertx on 127.0.0.1 · bc keys · " + storage
                + " storage in a temporary directory · ticks " + LocalCluster.CLOCK.start().toMillis() + " ms × "
                + LocalCluster.CLOCK.growth();
    }

    private static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    private static Map<String, Object> stats(Stats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("medianMs", round(s.median()));
        m.put("p90Ms", round(s.p90()));
        m.put("minMs", round(s.min()));
        m.put("maxMs", round(s.max()));
        return m;
    }

    private Map<String, Object> report(double[] ms, Map<String, Object> machine) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "cluster");
        m.put("nodes", nodes);
        m.put("decider", decider);
        m.put("options", common.deciderOptions(decider));
        m.put("transport", "vertx");
        m.put("crypto", "bc");
        m.put("storage", storage);
        m.put("tickMs", LocalCluster.CLOCK.start().toMillis());
        m.put("tickGrowth", LocalCluster.CLOCK.growth());
        m.put("decisions", ms.length);
        m.put("coldMs", round(ms[0]));
        m.put("warm", ms.length > 1 ? stats(Stats.of(java.util.Arrays.copyOfRange(ms, 1, ms.length)))
                : null);
        List<Object> all = new ArrayList<>();
        for (double d : ms) {
            all.add(round(d));
        }
        m.put("latenciesMs", all);
        m.put("machine", machine);
        m.put("command", command());
        return m;
    }

    private String text(double[] ms, Map<String, Object> machine) {
        StringBuilder sb = new StringBuilder();
        sb.append("bench cluster · ").append(setup()).append('\n');
        sb.append(Machine.line(machine)).append("\n\n");
        sb.append(String.format(Locale.ROOT, "cold  %.1f ms  the first decision, timed from opening the first store "
                + "(transports bound, handshakes made) to the last node's decision%n", ms[0]));
        if (ms.length > 1) {
            Stats w = Stats.of(java.util.Arrays.copyOfRange(ms, 1, ms.length));
            sb.append(String.format(Locale.ROOT, "warm  median %.1f ms · p90 %.1f ms · min %.1f ms · max %.1f ms "
                    + "over %d decisions, each a new instance on the open stores and transports, timed from "
                    + "starting the first node to the last node's decision%n", w.median(), w.p90(), w.min(),
                    w.max(), w.count()));
        } else {
            sb.append("warm  none: --decisions 1 times only the cold decision\n");
        }
        sb.append("\n").append(ms.length).append(" decisions; wall-clock figures of this machine under its load.\n");
        sb.append("repeat: ").append(command()).append('\n');
        return sb.toString();
    }

    /**
     * Order statistics of latencies, as every latency figure in docs/BENCHMARKS.md takes them: the median is the
     * element at index n/2 of the sorted values, p90 the one at index ⌊0.9 n⌋.
     *
     * @param count how many values
     * @param median the median
     * @param p90 the 90th percentile
     * @param min the least
     * @param max the greatest
     */
    record Stats(int count, double median, double p90, double min, double max) {
        /**
         * @param values at least one value; not changed
         * @return their statistics
         */
        static Stats of(double[] values) {
            double[] v = values.clone();
            java.util.Arrays.sort(v);
            int n = v.length;
            return new Stats(n, v[n / 2], v[(int) (n * 0.9)], v[0], v[n - 1]);
        }
    }
}
