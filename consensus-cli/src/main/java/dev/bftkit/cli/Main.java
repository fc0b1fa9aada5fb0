package dev.bftkit.cli;

import dev.bftkit.api.ConfigurationException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code consensus} command.
 *
 * <p>Exit codes: 0 success; 1 an invariant broke or the run failed; 2 bad arguments or configuration. Every error
 * is one line on standard error; {@code --verbose} adds debug logging and stack traces.
 */
@Command(name = "consensus", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "bftkit: Byzantine-fault-tolerant consensus as plugins.",
        subcommands = {SimulateCommand.class, ClusterCommand.class, NodeCommand.class, KeygenCommand.class,
            PluginsCommand.class, ParsecReplayCommand.class, BenchCommand.class, FuzzCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 an invariant broke or the run failed, 2 bad arguments or configuration.",
            "Documentation: docs/CLI.md"})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Picocli constructs it. */
    public Main() {
    }

    /**
     * @param on debug logging and stack traces
     */
    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Log more (debug records) and show stack traces with errors.")
    void verbose(boolean on) {
        if (on) {
            Logging.configure(true, System.err);
        }
    }

    /**
     * Runs the command and exits with its code.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command without exiting, for tests: output goes to {@link System#out} and {@link System#err} as they
     * are when it is called.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        PrintStream err = System.err;
        Logging.configure(false, err);
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(System.out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("consensus: " + e.getMessage().replace('\n', ' ').strip()
                    + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            e.getCommandLine().getErr().flush();
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter w = cmd.getErr();
            w.println("consensus: " + CliException.oneLine(e));
            if (Logging.verbose()) {
                e.printStackTrace(w);
            }
            w.flush();
            return exitCode(e);
        });
        return cli.execute(args);
    }

    static int exitCode(Throwable e) {
        if (e instanceof CliException c) {
            return c.exitCode();
        }
        return e instanceof ConfigurationException || e instanceof IllegalArgumentException ? ExitCodes.USAGE
                : ExitCodes.FAILURE;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version from the module descriptor or the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getModule().getDescriptor() != null
                    ? Main.class.getModule().getDescriptor().rawVersion().orElse(null) : null;
            if (v == null) {
                v = Main.class.getPackage().getImplementationVersion();
            }
            return new String[] {"bftkit consensus " + (v == null ? "(development build)" : v)};
        }
    }
}
