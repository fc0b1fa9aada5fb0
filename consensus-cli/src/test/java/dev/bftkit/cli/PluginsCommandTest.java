package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginsCommandTest {

    @Test
    void listsTheDiscoveredPlugins() {
        CliRun r = CliRun.of("plugins");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("storage").contains("memory").contains("decider").contains("streamlette");
    }

    @Test
    void printsJson() {
        CliRun r = CliRun.of("plugins", "--json");
        assertThat(r.code()).isZero();
        Map<String, Object> m = r.json();
        assertThat(m).containsOnlyKeys("decider", "transport", "storage", "crypto");
        assertThat(CliRun.list(m.get("storage"))).contains("memory");
        assertThat(CliRun.list(m.get("crypto"))).contains("bc", "insecure-fast");
        assertThat(CliRun.list(m.get("transport"))).contains("vertx");
    }

    @Test
    void badArgumentsGiveAOneLineErrorAndExitCode2() {
        CliRun.of("plugins", "--nope").isUsageError("Unknown option: '--nope'");
        CliRun.of("no-such-command").isUsageError("no-such-command");
    }
}
