package dev.bftkit.cli;

import dev.bftkit.api.spi.CryptoProvider;
import dev.bftkit.api.spi.Plugins;
import dev.bftkit.api.spi.StorageProvider;
import dev.bftkit.conformance.doubles.Doubles;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code consensus plugins}: lists the plugins found on the module path (what {@code node} and {@code cluster} run
 * on), then the conformance kit's test doubles, which only the simulating and benchmarking commands accept.
 */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"List the decider, transport, storage and crypto plugins found on the module path: what "
            + "'consensus node' and 'cluster' can run on. Then the conformance kit's test doubles (memory storage, "
            + "insecure-fast crypto), which are not plugins: only simulate, fuzz and bench accept them."})
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
        Map<String, List<String>> doubles = new LinkedHashMap<>();
        doubles.put("storage", Doubles.storageProviders().stream().map(StorageProvider::name).toList());
        doubles.put("crypto", Doubles.cryptoProviders().stream().map(CryptoProvider::name).toList());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> all = new LinkedHashMap<>(names);
            all.put("doubles", doubles);
            out.println(Json.write(all));
        } else {
            names.forEach((kind, list) ->
                    out.printf("%-10s %s%n", kind, list.isEmpty() ? "(none)" : String.join(", ", list)));
            out.println();
            out.println("test doubles, for simulate, fuzz and bench only (never node or cluster):");
            doubles.forEach((kind, list) -> out.printf("%-10s %s%n", kind, String.join(", ", list)));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
