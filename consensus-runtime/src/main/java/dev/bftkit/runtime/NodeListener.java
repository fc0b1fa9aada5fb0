package dev.bftkit.runtime;

import dev.bftkit.api.Decision;
import dev.bftkit.api.NodeId;

/**
 * Observes a {@link Node}. Every callback runs on the node's thread and must return quickly; an exception it throws
 * is logged and ignored.
 */
public interface NodeListener {
    /**
     * A phase was run.
     *
     * @param tick the logical tick it belonged to
     * @param phase the phase within the tick, from 0
     * @param phaseNanos how long the node waited before running it
     */
    default void onPhase(long tick, int phase, long phaseNanos) {
    }

    /**
     * A decision was polled from the Decider.
     *
     * @param decision the decision
     */
    default void onDecision(Decision decision) {
    }

    /**
     * A peer's request or response was rejected.
     *
     * @param peer the peer
     * @param error why
     */
    default void onRejected(NodeId peer, RuntimeException error) {
    }
}
