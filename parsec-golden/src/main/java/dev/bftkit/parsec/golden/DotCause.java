package dev.bftkit.parsec.golden;

import dev.bftkit.parsec.Cause;

/**
 * An event's cause as written in a dump.
 *
 * @param kind the kind (PARSEC's causes are the reference's)
 * @param recipient the recipient of a Requesting, else null
 * @param observation the observation of an Observation, else null
 */
record DotCause(Cause kind, String recipient, DotObservation observation) {

    /**
     * @param text for example {@code Requesting(Bob)} or {@code Observation(OpaquePayload(0))}
     * @return the cause
     * @throws IllegalArgumentException on an unknown form
     */
    static DotCause parse(String text) {
        if (text.equals("Initial")) {
            return new DotCause(Cause.INITIAL, null, null);
        } else if (text.equals("Request")) {
            return new DotCause(Cause.REQUEST, null, null);
        } else if (text.equals("Response")) {
            return new DotCause(Cause.RESPONSE, null, null);
        } else if (text.startsWith("Requesting(") && text.endsWith(")")) {
            return new DotCause(Cause.REQUESTING, text.substring("Requesting(".length(), text.length() - 1), null);
        } else if (text.startsWith("Observation(") && text.endsWith(")")) {
            return new DotCause(Cause.OBSERVATION, null,
                    DotObservation.parse(text.substring("Observation(".length(), text.length() - 1)));
        }
        throw new IllegalArgumentException("unknown cause: " + text);
    }
}
