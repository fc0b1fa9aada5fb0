package dev.bftkit.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The machine a measurement ran on, as {@code consensus bench} prints it beside every figure. */
final class Machine {
    private Machine() {
    }

    /**
     * The facts needed to quote a figure: the JDK, the operating system, the processors, the CPU model and the
     * load average where they are readable.
     */
    static Map<String, Object> facts() {
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
    static String line(Map<String, Object> m) {
        Object load = m.get("loadAverage");
        return "machine: " + m.get("jdk") + " · " + m.get("os") + " · " + m.get("processors") + " processors"
                + (m.get("cpu") != null ? " (" + m.get("cpu") + ")" : "")
                + " · load average " + (load == null ? "not readable" : String.format(Locale.ROOT, "%.2f", load))
                + " · max heap " + m.get("maxHeapMiB") + " MiB";
    }
}
