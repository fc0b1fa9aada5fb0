/**
 * Byzantine committee members for the simulator. A faulty member is a {@link dev.bftkit.conformance.adversary.Behaviour}:
 * it sees the raw bytes of its requests and responses and its view of the run
 * ({@link dev.bftkit.conformance.adversary.ByzantineContext}: its key, the committee, the suite), and may run honest
 * Deciders with its own key ({@link dev.bftkit.conformance.adversary.Shadow},
 * {@link dev.bftkit.conformance.adversary.ShadowBehaviour}) to produce validly signed messages to twist.
 * {@link dev.bftkit.conformance.adversary.Behaviours} holds the standard behaviours, which work on any algorithm;
 * an {@link dev.bftkit.conformance.adversary.Adversary} is a named strategy the Decider rules run.
 *
 * <p>Who uses it: the simulator ({@code dev.bftkit.conformance.sim}) runs the behaviours, the Decider rules
 * ({@code dev.bftkit.conformance.checks}) choose them, and an algorithm module implements the strategies that know
 * its own messages here (bftkit's Streamlette and PARSEC export theirs in {@code ….adversary} packages). It depends
 * on nothing else of the kit, and not on JUnit.
 */
package dev.bftkit.conformance.adversary;
