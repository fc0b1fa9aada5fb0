package dev.bftkit.api;

import java.util.List;

/**
 * Raised only when a Decider can prove that the fault assumption was broken: more than a third of the weight
 * misbehaved, for example because two different values were finalized. The {@link #evidence()} holds the proof.
 * A node that sees this must stop: continuing could make it act on a value that others did not decide.
 */
public final class FatalConsensusException extends BftException {
    private static final long serialVersionUID = 1L;

    private final transient List<Fault> evidence;

    /**
     * Creates the exception with the faults that prove the assumption broke; the list is copied.
     *
     * @param message what assumption broke
     * @param evidence the messages that prove it
     */
    public FatalConsensusException(String message, List<Fault> evidence) {
        super(message, null);
        this.evidence = List.copyOf(evidence);
    }

    /** {@return the faults that prove the assumption broke} */
    public List<Fault> evidence() {
        return evidence == null ? List.of() : evidence;
    }
}
