/**
 * Test doubles for simulations and tests, handed out by {@link dev.bftkit.conformance.doubles.Doubles}: the
 * {@code memory} storage (not durable) and the {@code insecure-fast} crypto suite (<strong>unsafe</strong>: anyone
 * who knows a public key can sign for it). They are opt-in: the kit registers no plugin ({@code provides} or
 * {@code META-INF/services}), so {@code Plugins} and {@link java.util.ServiceLoader} never find them and a production
 * node cannot run on them. A caller asks for them explicitly: {@code Doubles.memoryStorage()},
 * {@code Doubles.insecureCrypto()}, or, to accept them in a lookup by name beside the real plugins,
 * {@code Plugins.storage(name, Doubles.storageProviders())}.
 *
 * <p>Who uses it: the simulator, whose nodes keep their state in {@code memory} stores; the {@code consensus}
 * command's {@code simulate}, {@code fuzz} and {@code bench}; the combination matrix; and tests. It depends on nothing
 * else of the kit, and not on JUnit.
 */
package dev.bftkit.conformance.doubles;
