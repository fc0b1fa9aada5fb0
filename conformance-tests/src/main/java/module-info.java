/**
 * The conformance kit: the deterministic simulator, fault and Byzantine injection, invariant checkers, and the
 * abstract verifications a plugin author subclasses. JUnit and AssertJ are {@code requires static}: only the
 * verification classes touch them, so the simulator and the test doubles (the {@code memory} storage, the
 * {@code insecure-fast} crypto) run without them, for example in the CLI.
 */
module dev.bftkit.conformance {
    requires transitive dev.bftkit.api;
    requires transitive dev.bftkit.runtime;
    requires static org.junit.jupiter.api;
    requires static org.junit.jupiter.params;
    requires static org.assertj.core;
    // SimBench times the simulating thread's CPU
    requires java.management;

    exports dev.bftkit.conformance;

    provides dev.bftkit.api.spi.StorageProvider with dev.bftkit.conformance.internal.MemoryStorageProvider;
    provides dev.bftkit.api.spi.CryptoProvider with dev.bftkit.conformance.internal.InsecureFastCryptoProvider;
}
