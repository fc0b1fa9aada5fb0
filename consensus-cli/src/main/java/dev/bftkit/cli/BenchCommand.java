package dev.bftkit.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus bench}: measurements to quote, each printed with the machine it ran on and the command that
 * repeats it. The modes are subcommands: {@code sim} (seeded simulations) and {@code cluster} (real nodes in one
 * JVM).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure: 'bench sim' runs seeded simulations and reports ticks, traffic and simulator speed; "
            + "'bench cluster' runs real nodes in this JVM and reports decision latency. Each prints the machine "
            + "and the command that repeats it."},
        subcommands = {BenchSimCommand.class, BenchClusterCommand.class},
        footer = {"", "Exit codes: 0 measured, 1 a run failed, 2 bad arguments."})
final class BenchCommand implements Callable<Integer> {
    BenchCommand() {
    }

    @Override
    public Integer call() {
        throw CliException.usage("bench needs a mode: 'bench sim' or 'bench cluster'");
    }

    /**
     * The facts needed to quote a figure: the JDK, the operating system, the processors, the CPU model and the
     * load average where they are readable.
     */
    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("processors", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        m.put("loadAverage", load < 0 ? null : Math.round(load * 100) / 100.0);
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: say nothing
        }
        return null;
    }

    /** The machine facts as one line. */
    static String machineLine(Map<String, Object> m) {
        Object load = m.get("loadAverage");
        return "machine: " + m.get("jdk") + " · " + m.get("os") + " · " + m.get("processors") + " processors"
                + (m.get("cpu") != null ? " (" + m.get("cpu") + ")" : "")
                + " · load average " + (load == null ? "not readable" : String.format(Locale.ROOT, "%.2f", load))
                + " · max heap " + m.get("maxHeapMiB") + " MiB";
    }

    /** The flags both modes take. */
    static final class Common {
        @CommandLine.Mixin
        DeciderOptions options = new DeciderOptions();

        @Option(names = "--json", description = "Print one JSON object instead of the text.")
        boolean json;

        /** The decider options of the run: the given ones, and parsec.mode=single for parsec unless given. */
        Map<String, String> deciderOptions(String decider) {
            return options.of(decider);
        }
    }
}
