package dev.bftkit.cli;

import dev.bftkit.api.spi.Plugins;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consensus plugins}: lists the providers found on the module path. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the decider, transport, storage and crypto plugins found on the module path.")
final class PluginsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    PluginsCommand() {
    }

    @Override
    public Integer call() {
        Map<String, List<String>> names = Plugins.names();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(names));
        } else {
            names.forEach((kind, list) ->
                    out.printf("%-10s %s%n", kind, list.isEmpty() ? "(none)" : String.join(", ", list)));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
