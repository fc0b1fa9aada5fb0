package dev.bftkit.conformance.junit;

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
        return command(main, args, System.getProperty("jdk.module.path", ""),
                System.getProperty("java.class.path", ""), main.getModule().isNamed());
    }

    /**
     * @param main a public class with a {@code main} method in the kit
     * @param args its arguments
     * @param modulePath the module path, or empty
     * @param classPath the class path, or empty
     * @param asModule whether to start {@code main} as a module's class (else from the class path)
     * @return the command
     */
    static List<String> command(Class<?> main, List<String> args, String modulePath, String classPath,
            boolean asModule) {
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
        if (!modulePath.isEmpty()) {
            cmd.add("--module-path");
            cmd.add(modulePath);
        }
        if (!classPath.isEmpty()) {
            cmd.add("-cp");
            cmd.add(classPath);
        }
        if (asModule) {
            cmd.add("-m");
            cmd.add(main.getModule().getName() + "/" + main.getName());
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
