/**
 * The conformance kit, in five packages that depend one way (each only on those listed after it):
 * <ul>
 *   <li>{@code dev.bftkit.conformance.junit}: the abstract JUnit 5 verifications a plugin's tests subclass; the
 *       only package that touches JUnit and AssertJ;</li>
 *   <li>{@code dev.bftkit.conformance.checks}: the rules as plain code, for the verifications, the CLI and the
 *       combination matrix;</li>
 *   <li>{@code dev.bftkit.conformance.sim}: the deterministic simulator;</li>
 *   <li>{@code dev.bftkit.conformance.adversary}: Byzantine members for the simulator, and the standard
 *       behaviours;</li>
 *   <li>{@code dev.bftkit.conformance.doubles}: the {@code memory} storage and {@code insecure-fast} crypto test
 *       doubles, which are not registered as plugins: a caller asks for them explicitly.</li>
 * </ul>
 * JUnit and AssertJ are {@code requires static}, so the simulator, the checks and the doubles run without them,
 * for example in the CLI.
 */
module dev.bftkit.conformance {
    requires transitive dev.bftkit.api;
    requires transitive dev.bftkit.runtime;
    requires static org.junit.jupiter.api;
    requires static org.junit.jupiter.params;
    requires static org.assertj.core;
    // SimBench times the simulating thread's CPU
    requires java.management;

    exports dev.bftkit.conformance.junit;
    exports dev.bftkit.conformance.checks;
    exports dev.bftkit.conformance.sim;
    exports dev.bftkit.conformance.adversary;
    exports dev.bftkit.conformance.doubles;

    // no `provides`: the test doubles are not plugins, so no production node can find them (see Doubles)
}
