package dev.bftkit.cli;

import dev.bftkit.api.ConfigurationException;
import dev.bftkit.api.InstanceId;
import dev.bftkit.api.spi.Application;
import dev.bftkit.log.LogPosition;
import dev.bftkit.log.ReplicatedLog;
import dev.bftkit.runtime.LocalCluster;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus bench log}: a replicated log on n real nodes in this JVM ({@link LocalCluster}: Vert.x on
 * 127.0.0.1, Bouncy Castle keys, MapDB stores), every member appending values with a fixed number in flight; reports
 * committed values per second and append-to-commit latency, beside the same measurement on one member alone (no
 * peers: what batching, storage and signing allow), measured in the same run.
 */
@Command(name = "log", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a replicated log on n real nodes in this JVM (vertx on 127.0.0.1, bc keys, mapdb in a "
            + "temporary directory deleted afterwards); every member appends values of a fixed size, keeping a "
            + "fixed number in flight. Reports committed values/s and append-to-commit latency, beside the same "
            + "measurement on a committee of one (its ceiling: batching, storage and signing without peers), "
            + "measured first in the same run."},
        footer = {"", "Exit codes: 0 measured, 1 a run failed, 2 bad arguments."})
final class BenchLogCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-n", "--nodes"}, paramLabel = "N", defaultValue = "4",
            description = "Committee size, 1 to 16 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--decider", paramLabel = "NAME", defaultValue = "streamlette",
            description = "The algorithm under the log: streamlette or parsec (default: ${DEFAULT-VALUE}).")
    String decider;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "20",
            description = "How long to measure, after a 3 s warm-up (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--value-bytes", paramLabel = "B", defaultValue = "100",
            description = "The size of each value (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    @Option(names = "--in-flight", paramLabel = "K", defaultValue = "1024",
            description = "Appends each member keeps waiting to commit (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @CommandLine.Mixin
    BenchFlags common = new BenchFlags();

    BenchLogCommand() {
    }

    @Override
    public Integer call() throws InterruptedException {
        if (nodes < 1 || nodes > 16 || seconds < 1 || seconds > 3600 || valueBytes < 1 || valueBytes > 65_536
                || inFlight < 1 || inFlight > 65_536) {
            throw CliException.usage("--nodes 1..16, --seconds 1..3600, --value-bytes 1..65536, --in-flight 1..65536");
        }
        Map<String, Object> machine = Machine.facts();
        Run ceiling = measure(1);
        Run subject = measure(nodes);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mode", "log");
        report.put("decider", decider);
        report.put("nodes", nodes);
        report.put("valueBytes", valueBytes);
        report.put("inFlight", inFlight);
        report.put("seconds", seconds);
        report.put("subject", subject.json());
        report.put("ceiling", ceiling.json());
        report.put("machine", machine);
        report.put("command", command());
        if (common.json) {
            out.println(Json.write(report));
        } else {
            out.printf(Locale.ROOT, "bench log · %s under the log · vertx on 127.0.0.1 · bc keys · mapdb · %d-byte "
                    + "values, %d in flight per member%n%s%n%n", decider, valueBytes, inFlight, Machine.line(machine));
            out.println(subject.line(nodes + " members"));
            out.println(ceiling.line("1 member "));
            out.printf(Locale.ROOT, "ratio %.2f of the one-member rate%n", subject.valuesPerSecond()
                    / Math.max(1e-9, ceiling.valuesPerSecond()));
            out.println("repeat: " + command());
        }
        out.flush();
        return ExitCodes.OK;
    }

    String command() {
        return "./consensus bench log --nodes " + nodes + " --decider " + decider + " --seconds " + seconds
                + " --value-bytes " + valueBytes + " --in-flight " + inFlight
                + DeciderOptions.flags(common.deciderOptions(decider));
    }

    /** One measurement: committed values per second and latency percentiles over the measured window. */
    record Run(long values, double seconds, double p50Ms, double p99Ms, long entries) {
        double valuesPerSecond() {
            return values / seconds;
        }

        String line(String who) {
            return String.format(Locale.ROOT, "%s  %,.0f values/s · commit latency p50 %.1f ms · p99 %.1f ms · "
                    + "%,.1f values per entry", who, valuesPerSecond(), p50Ms, p99Ms, values / (double) Math.max(1,
                    entries));
        }

        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("valuesPerSecond", Math.round(valuesPerSecond()));
            m.put("p50Ms", Math.round(p50Ms * 10) / 10.0);
            m.put("p99Ms", Math.round(p99Ms * 10) / 10.0);
            m.put("entries", entries);
            return m;
        }
    }

    private Run measure(int members) throws InterruptedException {
        try (LocalCluster cluster = LocalCluster.open(LocalCluster.assembly()
                .decider(DeciderOptions.underLog(decider)).transport("vertx").storage("mapdb")
                .crypto("bc").options(common.deciderOptions(decider)), members, 7)) {
            List<ReplicatedLog> logs = new ArrayList<>();
            try {
                InstanceId instance = InstanceId.of("bench-log");
                for (int i = 0; i < members; i++) {
                    logs.add(ReplicatedLog.start(cluster.member(i).instance(instance)
                            .application(Application.acceptAll())));
                }
                return load(logs);
            } finally {
                logs.forEach(ReplicatedLog::close);
            }
        } catch (ConfigurationException e) {
            throw CliException.usage(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw CliException.failure("cannot make the temporary directory: " + e.getMessage(), e);
        }
    }

    /** Keeps {@link #inFlight} appends waiting on every member; counts and times those that commit in the window. */
    private Run load(List<ReplicatedLog> logs) throws InterruptedException {
        long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        long end = warmEnd + TimeUnit.SECONDS.toNanos(seconds);
        AtomicBoolean stop = new AtomicBoolean();
        Meter meter = new Meter(warmEnd, end);
        List<Thread> threads = new ArrayList<>();
        for (ReplicatedLog log : logs) {
            Semaphore window = new Semaphore(inFlight);
            Thread t = new Thread(() -> {
                byte[] value = new byte[valueBytes];
                while (!stop.get()) {
                    try {
                        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    long sent = System.nanoTime();
                    log.append(value).whenComplete((at, err) -> {
                        window.release();
                        meter.committed(sent, err == null ? at : null);
                    });
                }
            }, "bench-log-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()) + 1);
        stop.set(true);
        for (Thread t : threads) {
            t.interrupt();
            t.join(5_000);
        }
        return meter.run(seconds);
    }

    /** The appends that committed inside the measured window, from every member's thread. */
    private static final class Meter {
        private final long from;
        private final long to;
        private final List<Long> latencies = new ArrayList<>();
        private long lowest = Long.MAX_VALUE;
        private long highest = -1;

        Meter(long from, long to) {
            this.from = from;
            this.to = to;
        }

        synchronized void committed(long sentNanos, LogPosition at) {
            long now = System.nanoTime();
            if (at != null && sentNanos >= from && now <= to) {
                latencies.add(now - sentNanos);
                lowest = Math.min(lowest, at.height());
                highest = Math.max(highest, at.height());
            }
        }

        synchronized Run run(int seconds) {
            List<Long> all = new ArrayList<>(latencies);
            all.sort(null);
            return new Run(all.size(), seconds, Text.quantileMs(all, 0.5), Text.quantileMs(all, 0.99),
                    all.isEmpty() ? 0 : highest - lowest + 1);
        }
    }
}
