/**
 * The abstract JUnit 5 verifications a plugin's own tests subclass, one per kind of plugin:
 * {@link dev.bftkit.conformance.junit.CryptoVerification}, {@link dev.bftkit.conformance.junit.StorageVerification},
 * {@link dev.bftkit.conformance.junit.TransportVerification} (with its
 * {@link dev.bftkit.conformance.junit.AuthenticatedTap} hook), {@link dev.bftkit.conformance.junit.DeciderVerification}
 * and {@link dev.bftkit.conformance.junit.ClusterVerification}. A subclass supplies the provider and overrides the
 * capability hooks; each test method is a rule, named {@code required_…} or {@code optional_…}.
 * {@link dev.bftkit.conformance.junit.StorageCrashChild} is the main class of the child JVMs that the storage rules
 * start.
 *
 * <p>Who uses it: plugin authors, in test scope (bftkit's own plugins too). This is the only package of the kit
 * that touches JUnit and AssertJ, which the kit requires statically: the plugin's test scope brings them. The
 * Decider and cluster verifications are thin shells over {@code dev.bftkit.conformance.checks}.
 */
package dev.bftkit.conformance.junit;
