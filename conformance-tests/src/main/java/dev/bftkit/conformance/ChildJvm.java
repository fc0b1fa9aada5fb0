package dev.bftkit.conformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts one of the kit's main classes in a new JVM with the plugins of the current run: the
 * same {@code java}, module path and class path. On the module path the kit is started as a module and service
 * binding resolves the plugins' modules; on the class path every module-path module is added explicitly. On JDK 24
 * and later the flags that let MapDB's compression library load its native code are added, as the build adds them
 * to test JVMs.
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /**
     * @param main a public class with a {@code main} method in the kit
     * @param args its arguments
     * @return the command
     */
    static List<String> command(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 24) {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("--illegal-native-access=allow");
        }
        // a short-lived writer: small heap, quick start
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        String modulePath = System.getProperty("jdk.module.path", "");
        String classPath = System.getProperty("java.class.path", "");
        if (!modulePath.isEmpty()) {
            cmd.add("--module-path");
            cmd.add(modulePath);
        }
        if (!classPath.isEmpty()) {
            cmd.add("-cp");
            cmd.add(classPath);
        }
        Module module = main.getModule();
        if (module.isNamed()) {
            cmd.add("-m");
            cmd.add(module.getName() + "/" + main.getName());
        } else {
            if (!modulePath.isEmpty()) {
                cmd.add("--add-modules");
                cmd.add("ALL-MODULE-PATH");
            }
            cmd.add(main.getName());
        }
        cmd.addAll(args);
        return cmd;
    }
}
