package dev.bftkit.parsec;

/**
 * A gossip-graph event as held in the graph: its place (topological {@link #index}), creator, cause, parents (as
 * graph indices), payload and derived ancestry. Immutable. How the event was signed and encoded is opaque here:
 * {@link #hash}, {@link #signature} and {@link #wire} come from whoever created or received it.
 */
final class Event {
    final int index;
    final int creator;
    final Cause cause;
    final int selfParent;
    final int otherParent;
    /** The recipient's peer index for Requesting, else -1. */
    final int recipient;
    final int indexByCreator;
    final int forkIndex;
    /** The voted observation's key, or null. */
    final ObservationKey payloadKey;
    /** The voted observation, or null. */
    final Observation observation;
    /** The creator's signature of the vote, or an empty array. */
    final byte[] voteSignature;
    final Ancestry ancestry;
    final byte[] hash;
    final byte[] signature;
    /** The event's encoding on the wire, or null when it has none (recorded graphs). */
    final byte[] wire;

    Event(int index, int creator, Cause cause, int selfParent, int otherParent, int recipient, int indexByCreator,
          int forkIndex, ObservationKey payloadKey, Observation observation, byte[] voteSignature, Ancestry ancestry,
          byte[] hash, byte[] signature, byte[] wire) {
        this.index = index;
        this.creator = creator;
        this.cause = cause;
        this.selfParent = selfParent;
        this.otherParent = otherParent;
        this.recipient = recipient;
        this.indexByCreator = indexByCreator;
        this.forkIndex = forkIndex;
        this.payloadKey = payloadKey;
        this.observation = observation;
        this.voteSignature = voteSignature;
        this.ancestry = ancestry;
        this.hash = hash;
        this.signature = signature;
        this.wire = wire;
    }

    boolean isSync() {
        return cause.isSync();
    }

    /** Ancestry is reflexive: an event is its own descendant. Fork-aware. */
    boolean isDescendantOf(Event other) {
        return ancestry.contains(other.creator, other.indexByCreator, other.forkIndex);
    }

    /** {@code other} is an ancestor and our ancestry shows no fork by its creator. */
    boolean sees(Event other) {
        return isDescendantOf(other) && !ancestry.seesForkBy(other.creator);
    }

    /** @return the last index by {@code peer} in our ancestry if it shows no fork by them, else -1 */
    int nonForkLastAncestorBy(int peer) {
        int l = ancestry.last(peer);
        if (l < 0 || ancestry.seesForkBy(peer)) {
            return -1;
        }
        return l;
    }

    @Override
    public String toString() {
        return "Event[" + index + " by " + creator + "#" + indexByCreator + (forkIndex > 0 ? "," + forkIndex : "")
                + " " + cause + "]";
    }
}
