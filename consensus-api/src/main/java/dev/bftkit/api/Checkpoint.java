package dev.bftkit.api;

import java.util.Arrays;

/**
 * A snapshot that stands for every decision of an ordered stream below {@link #position()}: a Decider that prunes
 * its history hands one out when it restores its state from a snapshot (after a restart, or to catch up with peers
 * that no longer hold the decisions it lacks), and its next decision is at {@code position}.
 *
 * <p>The digest names the state after the decisions below {@code position}; every honest node that reaches that
 * position has the same one. The proof is in the Decider's own encoding: a third party checks it with the committee
 * alone through {@link dev.bftkit.api.spi.DeciderProvider#verifyCheckpoint}.
 *
 * @param instance the consensus instance
 * @param position how many decisions the snapshot stands for: the next decision is at this position
 * @param digest the hash of the snapshot; copied
 * @param proof the signatures that vouch for the digest, in the Decider's encoding; copied
 */
public record Checkpoint(InstanceId instance, long position, byte[] digest, byte[] proof) {

    /**
     * Validates, and copies both arrays.
     *
     * @param instance the consensus instance; not null
     * @param position 1 or more
     * @param digest the snapshot's hash, not null
     * @param proof the proof, not null
     * @throws NullPointerException if {@code instance}, {@code digest} or {@code proof} is null
     * @throws IllegalArgumentException if {@code position} is less than 1
     */
    public Checkpoint {
        if (instance == null) {
            throw new NullPointerException("instance");
        }
        if (position < 1) {
            throw new IllegalArgumentException("a checkpoint stands for at least one decision");
        }
        digest = digest.clone();
        proof = proof.clone();
    }

    /** {@return a copy of the snapshot's hash} */
    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** {@return a copy of the proof} */
    @Override
    public byte[] proof() {
        return proof.clone();
    }

    /**
     * {@return true if this checkpoint and {@code other} name the same snapshot at the same position of the same
     * instance (their proofs may differ)}
     *
     * @param other another checkpoint
     */
    public boolean sameOutcome(Checkpoint other) {
        return instance.equals(other.instance) && position == other.position && Arrays.equals(digest, other.digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && sameOutcome(c) && Arrays.equals(proof, c.proof);
    }

    @Override
    public int hashCode() {
        return (instance.hashCode() * 31 + Long.hashCode(position)) * 31 + Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + instance + "#" + position + " = " + Bytes.hex(digest) + ", proof " + proof.length
                + " B]";
    }
}
