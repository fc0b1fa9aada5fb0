package dev.bftkit.conformance.junit;

import java.util.Map;
import java.util.Optional;

/**
 * The one command a failing verification prints to replay itself. In the adopter's own project (the usual case)
 * it is {@code mvn -B verify -f <the test module's directory> -Dsurefire.failIfNoSpecifiedTests=false -Dtest=…}
 * plus the kit's properties; inside bftkit's own build, whose parent pom sets the system property
 * {@value #REACTOR_MODULE} to the module's artifact id, it is {@code mvn -B verify -pl <module> -am …} from the
 * root of that build.
 */
final class Replay {
    /** Set by bftkit's parent pom for its own modules' tests: the artifact id of the module under test. */
    static final String REACTOR_MODULE = "bftkit.reactor.module";

    private Replay() {
    }

    /**
     * The command for the current test run, from the system properties Surefire sets ({@code basedir}) and
     * bftkit's build sets ({@value #REACTOR_MODULE}).
     *
     * @param testClass the concrete verification class (the adopter's subclass)
     * @param method a test method to narrow to, or null for the whole class
     * @param properties the kit's properties that narrow the run (rule, size, seed), in order
     * @return the command
     */
    static String command(Class<?> testClass, String method, Map<String, String> properties) {
        return command(testClass, method, properties, Optional.ofNullable(System.getProperty(REACTOR_MODULE)),
                Optional.ofNullable(System.getProperty("basedir")));
    }

    /**
     * The command, from explicit settings.
     *
     * @param testClass the concrete verification class
     * @param method a test method to narrow to, or null for the whole class
     * @param properties the kit's properties that narrow the run, in order
     * @param reactorModule the module's artifact id inside bftkit's own build, or empty anywhere else
     * @param basedir the test module's directory, if known
     * @return the command
     */
    static String command(Class<?> testClass, String method, Map<String, String> properties,
            Optional<String> reactorModule, Optional<String> basedir) {
        StringBuilder cmd = new StringBuilder("mvn -B verify");
        reactorModule.filter(m -> !m.isBlank()).ifPresentOrElse(m -> cmd.append(" -pl ").append(m).append(" -am"),
                () -> basedir.filter(b -> !b.isBlank()).ifPresent(b -> cmd.append(" -f ").append(quoted(b))));
        String test = testClass.getSimpleName() + (method == null ? "" : "#" + method);
        cmd.append(" -Dsurefire.failIfNoSpecifiedTests=false -Dtest=").append(quoted(test));
        properties.forEach((k, v) -> cmd.append(" -D").append(k).append('=').append(quoted(v)));
        return cmd.toString();
    }

    /** Quotes for a POSIX shell what it would split or expand; plain words stay as they are. */
    private static String quoted(String word) {
        return word.matches("[A-Za-z0-9_./:=,@+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
