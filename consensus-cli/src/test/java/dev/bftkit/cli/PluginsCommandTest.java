package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginsCommandTest {

    @Test
    void listsTheDiscoveredPluginsThenTheTestDoubles() {
        CliRun r = CliRun.of("plugins");
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).contains("decider    parsec, streamlette", "transport  vertx", "storage    mapdb",
                "crypto     bc", "test doubles, for simulate, fuzz and bench only (never node or cluster):",
                "storage    memory", "crypto     insecure-fast");
        assertThat(lines.indexOf("storage    mapdb")).isLessThan(lines.indexOf("storage    memory"));
    }

    @Test
    void printsJson() {
        CliRun r = CliRun.of("plugins", "--json");
        assertThat(r.code()).isZero();
        Map<String, Object> m = r.json();
        assertThat(m).containsOnlyKeys("decider", "transport", "storage", "crypto", "doubles");
        assertThat(CliRun.list(m.get("storage"))).contains("mapdb").doesNotContain("memory");
        assertThat(CliRun.list(m.get("crypto"))).contains("bc").doesNotContain("insecure-fast");
        assertThat(CliRun.list(m.get("transport"))).contains("vertx");
        assertThat(m.get("doubles")).isEqualTo(Map.of("storage", List.of("memory"), "crypto", List.of("insecure-fast")));
    }

    @Test
    void badArgumentsGiveAOneLineErrorAndExitCode2() {
        CliRun.of("plugins", "--nope").isUsageError("Unknown option: '--nope'");
        CliRun.of("no-such-command").isUsageError("no-such-command");
    }
}
