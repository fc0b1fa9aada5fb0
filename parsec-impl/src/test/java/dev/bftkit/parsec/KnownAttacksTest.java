package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.doubles.Doubles;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs the kit found against PARSEC, each pinned by rule, committee size and seed: every one of them once broke
 * agreement between honest nodes. Each runs the kit's own scenario in its simulator, exactly as
 * {@link ParsecVerificationTest} would with {@code -Dbftkit.rule}, {@code -Dbftkit.n} and {@code -Dbftkit.seed}.
 */
class KnownAttacksTest {
    private static final DeciderChecks CHECKS = new DeciderChecks(new ParsecDeciderProvider(), Doubles.insecureCrypto(),
            ParsecVerificationTest.OPTIONS, 100, List.of());

    /**
     * Node 2 forks (twins serving different halves) while the honest nodes crash right after each response they
     * hand out and restart from storage. The forker's two branches reach node 0 in another order than nodes 1
     * and 3; ordering by insertion order made node 0 decide {@code [s:1:0, s:0:0, s:3:0]} and the others
     * {@code [s:1:0, s:3:0, s:0:0]}.
     */
    @Test
    void a_forking_twin_with_crash_after_send_restarts_does_not_split_the_order() {
        assertHolds("required_safety_crash_after_send_with_twins", 4, 5792963236273462628L);
    }

    static void assertHolds(String rule, int n, long seed) {
        Optional<DeciderChecks.Failure> failure = CHECKS.check(CHECKS.rule(rule), n, seed);
        assertThat(failure).as(() -> failure.map(f -> f.report() + "\n  replay: mvn -B verify -pl parsec-impl -am "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Dtest=KnownAttacksTest").orElse("")).isEmpty();
    }
}
