/**
 * The conformance rules as plain code, without JUnit: each returns what broke instead of asserting.
 * {@link dev.bftkit.conformance.checks.DeciderChecks} holds the Decider rules, each a scenario for the simulator,
 * and {@link dev.bftkit.conformance.checks.Swarm} the random mixes of every fault behind {@code required_swarm} and
 * {@code consensus fuzz}; {@link dev.bftkit.conformance.checks.ClusterChecks} runs whole clusters of real nodes on
 * real sockets, over a {@link dev.bftkit.conformance.checks.LoopbackNetwork} (keys from a seed, a free port per
 * member), which transport tests use too.
 *
 * <p>Who uses it: the JUnit verifications ({@code dev.bftkit.conformance.junit}) run these rules as tests; the
 * {@code consensus} command's {@code fuzz} runs the swarm, the combination matrix runs the cluster checks for every
 * combination of plugins, and mutation tests call a rule directly to see it fail.
 */
package dev.bftkit.conformance.checks;
