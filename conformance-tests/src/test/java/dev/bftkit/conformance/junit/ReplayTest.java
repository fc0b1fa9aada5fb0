package dev.bftkit.conformance.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bftkit.api.spi.DeciderProvider;
import dev.bftkit.conformance.checks.DeciderChecks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The replay command a failing verification prints works where it runs: in an adopter's own project it names the
 * adopter's test module and test class and none of bftkit's modules; inside bftkit's build it uses the reactor.
 */
class ReplayTest {
    /** An adopter's Decider verification, as it would subclass the kit. */
    static final class TheirDeciderVerificationTest extends DeciderVerification {
        @Override
        protected DeciderProvider provider() {
            throw new UnsupportedOperationException("not run");
        }
    }

    private static final DeciderChecks.Rule TWINS = new DeciderChecks.Rule("required_byzantine_twins", "", c -> true,
            null);

    @Test
    void inAnAdoptersProjectTheCommandRunsTheirTestClassInTheirModule() {
        String cmd = withoutReactor(() -> new TheirDeciderVerificationTest().replayCommand(TWINS, 4,
                4812460041735117289L));
        assertThat(cmd).doesNotContain(" -pl ", " -am ")
                .startsWith("mvn -B verify -f " + System.getProperty("basedir") + " ")
                .endsWith(" -Dsurefire.failIfNoSpecifiedTests=false -Dtest=TheirDeciderVerificationTest"
                        + " -Dbftkit.rule=required_byzantine_twins -Dbftkit.n=4 -Dbftkit.seed=4812460041735117289");
    }

    @Test
    void insideBftkitsBuildTheCommandUsesTheReactor() {
        assertThat(System.getProperty("bftkit.reactor.module")).as("set by bftkit's parent pom")
                .isEqualTo("conformance-tests");
        assertThat(new TheirDeciderVerificationTest().replayCommand(TWINS, 7, 3))
                .isEqualTo("mvn -B verify -pl conformance-tests -am -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dtest=TheirDeciderVerificationTest -Dbftkit.rule=required_byzantine_twins -Dbftkit.n=7"
                        + " -Dbftkit.seed=3");
    }

    @Test
    void oneMethodAndWordsAShellWouldSplitAreQuoted() {
        Map<String, String> seed = new LinkedHashMap<>();
        seed.put("bftkit.seed", "-5");
        assertThat(Replay.command(TheirDeciderVerificationTest.class, "required_durable_x", seed, Optional.empty(),
                Optional.of("/home/a b/their-store")))
                .isEqualTo("mvn -B verify -f '/home/a b/their-store' -Dsurefire.failIfNoSpecifiedTests=false"
                        + " -Dtest='TheirDeciderVerificationTest#required_durable_x' -Dbftkit.seed=-5");
        assertThat(Replay.command(TheirDeciderVerificationTest.class, null, Map.of(), Optional.empty(),
                Optional.empty()))
                .as("outside Maven: run it in the test module's directory")
                .isEqualTo("mvn -B verify -Dsurefire.failIfNoSpecifiedTests=false -Dtest=TheirDeciderVerificationTest");
    }

    private static String withoutReactor(java.util.function.Supplier<String> body) {
        String saved = System.clearProperty("bftkit.reactor.module");
        try {
            return body.get();
        } finally {
            if (saved != null) {
                System.setProperty("bftkit.reactor.module", saved);
            }
        }
    }
}
