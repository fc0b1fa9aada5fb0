package dev.bftkit.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code consensus bench}: measurements to quote, each printed with the machine it ran on and the command that
 * repeats it. The modes are subcommands: {@code sim} (seeded simulations), {@code cluster} (real nodes in one
 * JVM) and {@code log} (a replicated log on real nodes in one JVM).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure: 'bench sim' runs seeded simulations and reports ticks, traffic and simulator speed; "
            + "'bench cluster' runs real nodes in this JVM and reports decision latency; 'bench log' runs a "
            + "replicated log on real nodes in this JVM and reports committed values/s and commit latency. Each "
            + "prints the machine "
            + "and the command that repeats it."},
        subcommands = {BenchSimCommand.class, BenchClusterCommand.class, BenchLogCommand.class},
        footer = {"", "Exit codes: 0 measured, 1 a run failed, 2 bad arguments."})
final class BenchCommand implements Callable<Integer> {
    BenchCommand() {
    }

    @Override
    public Integer call() {
        throw CliException.usage("bench needs a mode: 'bench sim', 'bench cluster' or 'bench log'");
    }
}
