package dev.bftkit.parsec;

/**
 * Why an event was created; the ordinal is the reference's bincode tag. Public for {@link ParsecReplica}, whose
 * events carry it.
 */
public enum Cause {
    /** We are about to send gossip to the recipient: self-parent only. */
    REQUESTING,
    /** We received a request: self-parent and the sender's last event as other-parent. */
    REQUEST,
    /** We received a response: self-parent and the responder's last event as other-parent. */
    RESPONSE,
    /** A vote: self-parent only. */
    OBSERVATION,
    /** The first event of a creator: no parents. */
    INITIAL;

    boolean isSync() {
        return this == REQUESTING || this == REQUEST || this == RESPONSE;
    }

    boolean hasOtherParent() {
        return this == REQUEST || this == RESPONSE;
    }
}
