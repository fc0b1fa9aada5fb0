package dev.bftkit.parsec.adversary;

import dev.bftkit.conformance.adversary.Adversary;
import dev.bftkit.parsec.Adversaries;
import java.util.List;

/**
 * PARSEC's own Byzantine strategies for the conformance kit ({@code dev.bftkit.conformance}): a faulty member that
 * signs, with its own key, what PARSEC's codec can express and hurts most ({@code forks}, {@code fork-flood},
 * {@code false-accusations}, {@code withheld-parents}, {@code removed-peer}). Pass them to the kit's
 * {@code DeciderChecks} or return them from {@code DeciderVerification.adversaries()}. Using them needs the kit on
 * the module path; PARSEC itself does not.
 */
public final class ParsecAdversaries {
    private ParsecAdversaries() {
    }

    /** {@return every strategy, in a fixed order} */
    @SuppressWarnings("exports") // the kit is `requires static`: only its users, who have it, call this
    public static List<Adversary> all() {
        return Adversaries.all();
    }
}
