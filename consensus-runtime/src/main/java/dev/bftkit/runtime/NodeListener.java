package dev.bftkit.runtime;

import dev.bftkit.api.Checkpoint;
import dev.bftkit.api.Decision;
import dev.bftkit.api.MemberChange;
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
     * The Decider restored its state from a snapshot standing for every position below the checkpoint's: the
     * decisions below it are not handed out, and the next is at its position.
     *
     * @param checkpoint the snapshot's checkpoint
     */
    default void onCheckpoint(Checkpoint checkpoint) {
    }

    /**
     * The Decider decided that a member was added, removed, or excluded as an offender.
     *
     * @param change the change
     */
    default void onMemberChange(MemberChange change) {
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
