package dev.bftkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What every command shares: help, version, --verbose, one-line errors. */
class MainTest {

    @Test
    void clusterNodesStartThisEntryPoint() {
        assertThat(ClusterCommand.NODE_MAIN).isEqualTo("dev.bftkit.cli/" + Main.class.getName());
    }

    @Test
    void verboseBeforeOrAfterTheCommandAddsTheStackTrace() {
        for (String[] args : new String[][] {{"--verbose", "node", "--config", "/nonexistent/node.conf"},
            {"node", "--config", "/nonexistent/node.conf", "-v"}}) {
            CliRun r = CliRun.of(args);
            assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().lines().findFirst().orElseThrow())
                    .isEqualTo("consensus: config file /nonexistent/node.conf not found");
            assertThat(r.err()).contains("CliException").contains("\tat ");
        }
        CliRun.of("node", "--config", "/nonexistent/node.conf").isUsageError("not found");
    }

    @Test
    void helpAndVersion() {
        CliRun help = CliRun.of("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("simulate").contains("cluster").contains("node").contains("keygen")
                .contains("plugins").contains("Exit codes: 0 ok, 1");
        assertThat(CliRun.of().out()).isEqualTo(help.out());
        CliRun version = CliRun.of("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("bftkit consensus ");
    }
}
