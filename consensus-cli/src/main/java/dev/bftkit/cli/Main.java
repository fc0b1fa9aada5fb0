package dev.bftkit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code consensus} command.
 *
 * <p>Exit codes: 0 success; 1 an invariant broke or the run failed; 2 bad arguments or configuration.
 */
@Command(name = "consensus", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "bftkit: Byzantine-fault-tolerant consensus as plugins.",
        subcommands = {PluginsCommand.class, ParsecReplayCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Picocli constructs it. */
    public Main() {
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
     * Runs the command without exiting, for tests.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExitCodeExceptionMapper(e -> ExitCodes.FAILURE);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("consensus: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
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
