package dev.bftkit.parsec.golden;

/**
 * An event's cause as written in a dump.
 *
 * @param kind the kind
 * @param recipient the recipient of a Requesting, else null
 * @param observation the observation of an Observation, else null
 */
public record DotCause(Kind kind, String recipient, DotObservation observation) {

    /** The cause kinds, in the reference's bincode tag order. */
    public enum Kind {
        /** Before sending gossip. */
        REQUESTING,
        /** On receiving a request. */
        REQUEST,
        /** On receiving a response. */
        RESPONSE,
        /** A vote. */
        OBSERVATION,
        /** A creator's first event. */
        INITIAL
    }

    /**
     * @param text for example {@code Requesting(Bob)} or {@code Observation(OpaquePayload(0))}
     * @return the cause
     * @throws IllegalArgumentException on an unknown form
     */
    public static DotCause parse(String text) {
        if (text.equals("Initial")) {
            return new DotCause(Kind.INITIAL, null, null);
        } else if (text.equals("Request")) {
            return new DotCause(Kind.REQUEST, null, null);
        } else if (text.equals("Response")) {
            return new DotCause(Kind.RESPONSE, null, null);
        } else if (text.startsWith("Requesting(") && text.endsWith(")")) {
            return new DotCause(Kind.REQUESTING, text.substring("Requesting(".length(), text.length() - 1), null);
        } else if (text.startsWith("Observation(") && text.endsWith(")")) {
            return new DotCause(Kind.OBSERVATION, null,
                    DotObservation.parse(text.substring("Observation(".length(), text.length() - 1)));
        }
        throw new IllegalArgumentException("unknown cause: " + text);
    }
}
