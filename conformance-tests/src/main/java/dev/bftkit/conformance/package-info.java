/**
 * The conformance kit: the deterministic simulator, fault and Byzantine injection, invariant checkers, and the
 * abstract JUnit 5 verifications ({@code CryptoVerification}, {@code StorageVerification},
 * {@code TransportVerification}, {@code DeciderVerification}, {@code ClusterVerification}) that a plugin's own
 * tests subclass in a few lines.
 */
package dev.bftkit.conformance;
