package dev.bftkit.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The flags both {@code bench} modes take. */
final class BenchFlags {
    @CommandLine.Mixin
    DeciderOptions options = new DeciderOptions();

    @Option(names = "--json", description = "Print one JSON object instead of the text.")
    boolean json;

    /** The decider options of the run: the given ones, and parsec.mode=single for parsec unless given. */
    Map<String, String> deciderOptions(String decider) {
        return options.of(decider);
    }
}
