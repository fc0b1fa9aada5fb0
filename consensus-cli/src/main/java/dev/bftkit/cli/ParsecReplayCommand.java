package dev.bftkit.cli;

import dev.bftkit.api.Bytes;
import dev.bftkit.parsec.golden.GoldenReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code consensus parsec-replay FILE}: replays a graph recorded by the reference PARSEC implementation. */
@Command(name = "parsec-replay", mixinStandardHelpOptions = true,
        description = {"Replay a gossip graph recorded by the reference PARSEC implementation (a .dot dump) through "
                + "bftkit's PARSEC and print the decided observation hashes, one per line."})
final class ParsecReplayCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The recorded .dot graph.")
    Path file;

    @Option(names = "--json", description = "Print JSON: the decided and the recorded hashes, and whether they match.")
    boolean json;

    ParsecReplayCommand() {
    }

    @Override
    public Integer call() {
        GoldenReplay.Result result;
        try {
            result = GoldenReplay.run(file);
        } catch (IOException e) {
            spec.commandLine().getErr().println("consensus parsec-replay: cannot read " + file + ": " + e);
            return ExitCodes.USAGE;
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("consensus parsec-replay: " + file + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println("{\"file\":" + Json.string(file.toString()) + ",\"mode\":"
                    + Json.string(result.singleMode() ? "Single" : "Supermajority") + ",\"events\":" + result.events()
                    + ",\"decided\":" + hashes(result.decided()) + ",\"recorded\":" + hashes(result.recorded())
                    + ",\"matchesRecorded\":" + result.matches() + "}");
        } else {
            for (byte[] h : result.decided()) {
                out.println(Bytes.hex(h));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String hashes(List<byte[]> list) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < list.size(); i++) {
            sb.append(i > 0 ? "," : "").append(Json.string(Bytes.hex(list.get(i))));
        }
        return sb.append(']').toString();
    }
}
