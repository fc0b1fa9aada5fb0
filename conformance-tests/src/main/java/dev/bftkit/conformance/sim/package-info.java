/**
 * The deterministic simulator. {@link dev.bftkit.conformance.sim.Simulator} runs the
 * {@link dev.bftkit.conformance.sim.Scenario} of one seed: n Deciders in one thread, each in the runtime's
 * {@code Driver}, on virtual clocks over a seeded {@link dev.bftkit.conformance.sim.NetworkModel} (delay, loss,
 * duplication, {@link dev.bftkit.conformance.sim.Partition}s), with {@link dev.bftkit.conformance.sim.CrashPlan
 * crashes} and restarts from each node's store and Byzantine members from {@code dev.bftkit.conformance.adversary};
 * it checks the invariants and returns a {@link dev.bftkit.conformance.sim.SimulationResult} whose trace hash the
 * same seed reproduces. {@link dev.bftkit.conformance.sim.DrivenDecider} drives one Decider by hand, for an
 * algorithm's unit tests.
 *
 * <p>Who uses it: the Decider rules ({@code dev.bftkit.conformance.checks}), the {@code consensus} command's
 * {@code simulate}, {@code fuzz} and {@code bench sim}, and an algorithm's own tests. Simulated nodes keep their state
 * in the kit's {@code memory} storage ({@code dev.bftkit.conformance.doubles}); the caller chooses the crypto suite.
 * No JUnit.
 */
package dev.bftkit.conformance.sim;
