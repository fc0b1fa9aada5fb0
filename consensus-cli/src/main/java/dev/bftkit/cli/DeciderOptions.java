package dev.bftkit.cli;

import dev.bftkit.api.spi.Plugins;
import dev.bftkit.log.LogDeciderProvider;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Option;

/**
 * The {@code --option KEY=VALUE} flag of simulate and bench, and the decider options those runs and a new cluster
 * start from.
 */
final class DeciderOptions {
    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "A decider option, repeatable (for parsec the default is parsec.mode=single: each node's "
                    + "own values are decided).")
    Map<String, String> given = new TreeMap<>();

    /** @return the given options with the defaults for {@code decider} */
    Map<String, String> of(String decider) {
        return withDefaults(decider, given);
    }

    /** @return {@code options} as repeatable flags, for a command line that repeats the run */
    static String flags(Map<String, String> options) {
        StringBuilder sb = new StringBuilder();
        options.forEach((k, v) -> sb.append(" --option ").append(k).append('=').append(v));
        return sb.toString();
    }

    /**
     * The given options, and {@code parsec.mode=single} for parsec unless given. Every node of a simulated,
     * benchmark or demo cluster run submits values of its own, which PARSEC's default Supermajority mode decides only
     * once more than two thirds of the nodes submitted the same one: never, there. The conformance kit runs PARSEC in
     * Single mode for the same reason.
     */
    static Map<String, String> withDefaults(String decider, Map<String, String> given) {
        Map<String, String> m = new TreeMap<>(given);
        if (decider.equals("parsec")) {
            m.putIfAbsent("parsec.mode", "single");
        }
        return m;
    }

    /**
     * The replicated log over a decider plugin, whose inner Deciders get {@link #withDefaults these defaults} unless
     * a node's own options set them: the log over PARSEC runs its single-vote mode, in which each member's own
     * batches are decided.
     *
     * @param decider the decider plugin's name
     * @return the log's decider provider
     * @throws dev.bftkit.api.ConfigurationException if no decider plugin has that name
     * @throws IllegalArgumentException if the plugin can carry no log (neither one-shot nor an ordered stream)
     */
    static LogDeciderProvider underLog(String decider) {
        return new LogDeciderProvider(Plugins.decider(decider), withDefaults(decider, Map.of()));
    }
}
