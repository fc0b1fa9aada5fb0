package dev.bftkit.streamlette.adversary;

import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.streamlette.Adversaries;
import java.util.List;

/**
 * Streamlette's own Byzantine strategies for the conformance kit ({@code dev.bftkit.conformance}): a faulty member
 * that signs, with its own key, what Streamlette's codec can express and hurts most ({@code variants},
 * {@code early}, {@code fork-votes}, {@code late-reveal}). Pass them to the kit's {@code DeciderChecks} or return them
 * from {@code DeciderVerification.adversaries()}. Using them needs the kit on the module path; Streamlette itself
 * does not.
 */
public final class StreamletteAdversaries {
    private StreamletteAdversaries() {
    }

    /**
     * {@return option sets that each give a member other leader schedules, so it signs leader messages out of turn:
     * for the kit's standard {@code misconfigured} behaviour}
     */
    public static List<java.util.Map<String, String>> misconfigured() {
        return java.util.stream.LongStream.range(0, 4)
                .mapToObj(k -> java.util.Map.of("streamlette.leaderSeed", Long.toString(20261122L + k))).toList();
    }

    /** {@return every strategy, in a fixed order} */
    @SuppressWarnings("exports") // the kit is `requires static`: only its users, who have it, call this
    public static List<Adversary> all() {
        return Adversaries.all();
    }
}
