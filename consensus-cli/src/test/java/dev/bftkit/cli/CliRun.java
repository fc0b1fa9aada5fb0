package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One run of the command through {@link Main#run}, with what it printed.
 *
 * @param code the exit code
 * @param out standard output
 * @param err standard error
 */
record CliRun(int code, String out, String err) {

    /** Serializes runs: they swap {@link System#out} and {@link System#err}. */
    private static final Object LOCK = new Object();

    static CliRun of(String... args) {
        synchronized (LOCK) {
            PrintStream out = System.out;
            PrintStream err = System.err;
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
                System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
                int code = Main.run(args);
                return new CliRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
            } finally {
                System.setOut(out);
                System.setErr(err);
            }
        }
    }

    /** @return standard output as one JSON object */
    Map<String, Object> json() {
        return Json.parseObject(out.trim());
    }

    /** Asserts a usage error: exit code 2 and exactly one line on standard error, naming {@code text}. */
    CliRun isUsageError(String text) {
        assertThat(code).as(describe()).isEqualTo(ExitCodes.USAGE);
        assertThat(err.lines().toList()).as(describe()).hasSize(1);
        assertThat(err).startsWith("consensus: ").contains(text).doesNotContain("Exception").doesNotContain("\tat ");
        return this;
    }

    String describe() {
        return "exit " + code + "\n--- out:\n" + out + "\n--- err:\n" + err;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object o) {
        return (List<Map<String, Object>>) o;
    }

    static String[] args(String line) {
        return Arrays.stream(line.trim().split("\\s+")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
