package dev.bftkit.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Log mode's flags, which {@code node} and {@code cluster} share: {@code --log} runs a replicated log over the
 * decider instead of one decision, and each node appends {@code --rate} values of {@code --value-bytes} bytes a
 * second.
 */
final class LogFlags {
    static final int DEFAULT_RATE = 100;
    static final int MAX_RATE = 100_000;
    static final int DEFAULT_VALUE_BYTES = 100;
    /** The log's default {@code log.maxValueBytes}. */
    static final int MAX_VALUE_BYTES = 65_536;

    @Option(names = "--log", description = "Run a replicated log over the decider instead of one decision: each "
            + "node appends values at --rate and prints entries as they commit and a rate line every second.")
    boolean on;

    @Option(names = "--rate", paramLabel = "N", description = "With --log: values each node appends per second, "
            + "0 to " + MAX_RATE + " (default: " + DEFAULT_RATE + "; 0 appends none).")
    Integer rate;

    @Option(names = "--value-bytes", paramLabel = "B", description = "With --log: each value's size, 1 to "
            + MAX_VALUE_BYTES + " (default: " + DEFAULT_VALUE_BYTES + ").")
    Integer valueBytes;

    /** {@return values each node appends per second} */
    int rate() {
        return rate == null ? DEFAULT_RATE : rate;
    }

    /** {@return each value's size in bytes} */
    int valueBytes() {
        return valueBytes == null ? DEFAULT_VALUE_BYTES : valueBytes;
    }

    /**
     * Checks the flags: log mode's own only with {@code --log}, in range, and none of {@code decisionOnly} with it.
     *
     * @param spec the command, for which flags were given
     * @param logOnly the command's other flags that need {@code --log}
     * @param decisionOnly the command's flags that apply to one decision only
     * @throws CliException (exit code 2) naming the flag
     */
    void check(CommandLine.Model.CommandSpec spec, List<String> logOnly, List<String> decisionOnly) {
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        if (!on) {
            for (String flag : concat(List.of("--rate", "--value-bytes"), logOnly)) {
                if (given.hasMatchedOption(flag)) {
                    throw CliException.usage(flag + " goes with --log");
                }
            }
            return;
        }
        for (String flag : decisionOnly) {
            if (given.hasMatchedOption(flag)) {
                throw CliException.usage(flag + " does not apply with --log");
            }
        }
        if (rate() < 0 || rate() > MAX_RATE) {
            throw CliException.usage("--rate must be 0 to " + MAX_RATE + ", got " + rate());
        }
        if (valueBytes() < 1 || valueBytes() > MAX_VALUE_BYTES) {
            throw CliException.usage("--value-bytes must be 1 to " + MAX_VALUE_BYTES + ", got " + valueBytes());
        }
    }

    /**
     * Checks a duration flag of log mode.
     *
     * @param seconds the value, or null
     * @throws CliException (exit code 2) if it is given and not 1 to 86,400
     */
    static void checkSeconds(Integer seconds) {
        if (seconds != null && (seconds < 1 || seconds > 86_400)) {
            throw CliException.usage("--seconds must be 1 to 86400, got " + seconds);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
