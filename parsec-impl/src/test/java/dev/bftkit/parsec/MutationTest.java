package dev.bftkit.parsec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.conformance.checks.DeciderChecks;
import dev.bftkit.conformance.doubles.Doubles;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutation sanity: the conformance kit must catch a deliberately broken PARSEC. For each mutant, the kit rule that
 * targets the defect reports a violation on a pinned committee size and seed, and the correct PARSEC passes that
 * very run, so the catch is the mutant's doing and not a flaky rule.
 */
class MutationTest {

    /**
     * A mutant and the run that catches it.
     *
     * @param name what is broken
     * @param mutations the planted defect
     * @param rule the kit rule
     * @param n the committee size
     * @param seed the seed (one of {@link DeciderChecks#seeds} for that rule and size)
     * @param violation how the report's violations start
     */
    record Case(String name, Mutations mutations, String rule, int n, long seed, String violation) {
        @Override
        public String toString() {
            return name + " (" + rule + ", n=" + n + ", seed " + seed + ")";
        }
    }

    static List<Case> mutants() {
        return List.of(
                // the 24th seed of the rule at n = 4: a twin's branches reach honest nodes in different orders
                new Case("order by insertion order", new Mutations(true, false),
                        "required_safety_crash_after_send_with_twins", 4, 5650682115625919773L, "agreement:"),
                // the first seed of the rule at n = 4: the flood's siblings pile up past the footprint bound
                new Case("unbounded forks", new Mutations(false, true), "required_adversary_fork-flood", 4,
                        8036983666314092246L, "resources:"));
    }

    static DeciderChecks checks(Mutations m) {
        return new DeciderChecks(new ParsecDeciderProvider(m), Doubles.insecureCrypto(), ParsecVerificationTest.OPTIONS,
                100, List.of(), Adversaries.all());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void theKitCatchesTheMutant(Case mutant) {
        DeciderChecks broken = checks(mutant.mutations());
        Optional<DeciderChecks.Failure> caught = broken.check(broken.rule(mutant.rule()), mutant.n(), mutant.seed());
        assertThat(caught).as("the kit should catch '%s'", mutant).isPresent();
        assertThat(caught.get().violations()).as("violations of '%s'", mutant)
                .anyMatch(v -> v.startsWith(mutant.violation()));
        System.out.println("mutant '" + mutant.name() + "' caught: " + caught.get().report().lines().limit(2).toList());
        DeciderChecks correct = checks(Mutations.NONE);
        assertThat(correct.check(correct.rule(mutant.rule()), mutant.n(), mutant.seed()))
                .as("the correct PARSEC passes the run that caught the mutant").isEmpty();
    }

    /** The pinned seed is one of the seeds the default run of {@link ParsecVerificationTest} gives its rule. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mutants")
    void theCatchingSeedIsInTheDefaultRun(Case mutant) {
        DeciderChecks.Rule rule = checks(Mutations.NONE).rule(mutant.rule());
        assertThat(mutant.n()).as("a committee size of the default run").isEqualTo(4);
        assertThat(DeciderChecks.seeds(mutant.rule(), mutant.n(),
                new ParsecVerificationTest().seedsFor(rule, mutant.n()))).contains(mutant.seed());
    }
}
