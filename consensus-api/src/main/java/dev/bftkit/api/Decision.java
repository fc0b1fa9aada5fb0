package dev.bftkit.api;

import java.util.Arrays;

/**
 * A value that consensus decided, with its position and a proof.
 *
 * <p>The position is 0 for a one-shot Decider (Streamlette) and counts up from 0 along an ordered stream (PARSEC).
 * The proof is in the Decider's own encoding: a third party checks it with the committee alone through
 * {@link dev.bftkit.api.spi.DeciderProvider#verifyDecision}.
 *
 * @param instance the consensus instance
 * @param position the position in the instance's ordered output
 * @param value the decided bytes; copied
 * @param proof the signatures that made it final, in the Decider's encoding; copied
 */
public record Decision(InstanceId instance, long position, byte[] value, byte[] proof) {

    /**
     * Validates, and copies both arrays so that later changes to the caller's arrays do not reach the decision.
     *
     * @param instance the consensus instance; not null
     * @param position the position in the instance's ordered output, 0 or more (always 0 for a one-shot Decider)
     * @param value the decided bytes, not null (may be empty)
     * @param proof the proof in the Decider's own encoding, not null
     * @throws NullPointerException if {@code instance}, {@code value} or {@code proof} is null
     * @throws IllegalArgumentException if {@code position} is negative
     */
    public Decision {
        if (instance == null) {
            throw new NullPointerException("instance");
        }
        if (position < 0) {
            throw new IllegalArgumentException("position must be non-negative");
        }
        value = value.clone();
        proof = proof.clone();
    }

    /** {@return a copy of the decided bytes} */
    @Override
    public byte[] value() {
        return value.clone();
    }

    /** {@return a copy of the proof} */
    @Override
    public byte[] proof() {
        return proof.clone();
    }

    /**
     * {@return true if this decision and {@code other} decided the same value at the same position of the same instance
     * (their proofs may differ)}
     *
     * @param other another decision
     */
    public boolean sameOutcome(Decision other) {
        return instance.equals(other.instance) && position == other.position && Arrays.equals(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Decision d && sameOutcome(d) && Arrays.equals(proof, d.proof);
    }

    @Override
    public int hashCode() {
        return (instance.hashCode() * 31 + Long.hashCode(position)) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        String hex = Bytes.hex(value);
        return "Decision[" + instance + "#" + position + " = " + (hex.length() > 32 ? hex.substring(0, 32) + "…" : hex)
                + " (" + value.length + " B), proof " + proof.length + " B]";
    }
}
