package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PluginsCommandTest {

    static String[] run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8),
                e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void listsTheDiscoveredPlugins() {
        String[] r = run("plugins");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("storage").contains("memory");
    }

    @Test
    void printsJson() {
        String[] r = run("plugins", "--json");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1].trim()).startsWith("{\"decider\":[").contains("\"storage\":[").contains("\"memory\"")
                .endsWith("}");
    }

    @Test
    void badArgumentsGiveAOneLineErrorAndExitCode2() {
        String[] r = run("plugins", "--nope");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).startsWith("consensus: Unknown option: '--nope'").doesNotContain("Exception");
    }
}
