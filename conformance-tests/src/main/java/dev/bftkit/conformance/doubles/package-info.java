/**
 * Test doubles for simulations and tests, reached through {@link dev.bftkit.conformance.doubles.Doubles}: the
 * {@code memory} storage (not durable) and the {@code insecure-fast} crypto suite (<strong>unsafe</strong>: anyone
 * who knows a public key can sign for it).
 *
 * <p>Who uses it: the simulator, whose nodes keep their state in {@code memory} stores; the {@code consensus}
 * command's {@code simulate}, {@code fuzz} and {@code bench}; and tests. It depends on nothing else of the kit, and
 * not on JUnit.
 */
package dev.bftkit.conformance.doubles;
