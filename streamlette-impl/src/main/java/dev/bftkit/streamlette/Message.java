package dev.bftkit.streamlette;

import dev.bftkit.api.InstanceId;
import dev.bftkit.api.NodeId;

/**
 * Streamlette's three signed message kinds. Proposals are roots; a solicit extends a proposal or solicit; a vote
 * supports a proposal or solicit. Every chain therefore has one proposal at its root, and deciding means deciding
 * that root's body.
 */
sealed interface Message permits Message.Proposal, Message.Solicit, Message.Vote {
    /** @return the instance it belongs to */
    InstanceId instance();

    /** @return its signer */
    NodeId source();

    /** @return the signature over the domain tag, instance and content hash */
    byte[] signature();

    /**
     * A leader's new value for a tick.
     *
     * @param instance the instance
     * @param tick the tick
     * @param body the proposed value
     * @param source the leader
     * @param signature its signature
     */
    record Proposal(InstanceId instance, long tick, byte[] body, NodeId source, byte[] signature) implements Message {
    }

    /**
     * A leader's extension of a chain for a tick: "vote for my tick, building on {@code previous}".
     *
     * @param instance the instance
     * @param tick the tick, greater than the previous message's
     * @param previous the content hash of the proposal or solicit it extends
     * @param source the leader
     * @param signature its signature
     */
    record Solicit(InstanceId instance, long tick, byte[] previous, NodeId source, byte[] signature)
            implements Message {
    }

    /**
     * A vote for a proposal or solicit.
     *
     * @param instance the instance
     * @param target the content hash of the proposal or solicit
     * @param source the voter
     * @param signature its signature
     */
    record Vote(InstanceId instance, byte[] target, NodeId source, byte[] signature) implements Message {
    }
}
