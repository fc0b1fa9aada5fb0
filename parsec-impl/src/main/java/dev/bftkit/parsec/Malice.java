package dev.bftkit.parsec;

import java.util.Arrays;
import java.util.List;

/**
 * A provable misbehaviour (the reference's {@code Malice}). Most kinds name events by hash; the kinds that reject
 * the event carry its wire bytes instead, since that event never enters the graph; an accomplice names its event
 * and the malice it built on.
 *
 * @param kind what was done
 * @param events hashes of the events involved (the accused ones expected in the graph)
 * @param packedEvent the rejected event's bytes, or empty
 * @param inner for an accomplice, the malice it built on; else null
 */
record Malice(Kind kind, List<byte[]> events, byte[] packedEvent, Malice inner) {
    /** Accomplice accusations nest; we never make one deeper than this (the wire format allows twice as deep). */
    static final int MAX_DEPTH = 8;

    /** The kinds, with the reference's names. */
    enum Kind {
        /** A Genesis vote by a non-member, or not right after the Initial event. */
        UNEXPECTED_GENESIS("UnexpectedGenesis"),
        /** A genesis member's second event does not vote for Genesis. */
        MISSING_GENESIS("MissingGenesis"),
        /** A Genesis that differs from ours (rejected). */
        INCORRECT_GENESIS("IncorrectGenesis", true),
        /** Two votes for one observation by one creator. */
        DUPLICATE_VOTE("DuplicateVote"),
        /** Two events with the same self-parent (the event named is that self-parent). */
        FORK("Fork"),
        /** An accusation of someone we saw do nothing wrong. */
        INVALID_ACCUSATION("InvalidAccusation"),
        /** An other-parent by the event's own creator (rejected). */
        OTHER_PARENT_BY_SAME_CREATOR("OtherParentBySameCreator", true),
        /** A self-parent by another creator (rejected). */
        SELF_PARENT_BY_DIFFERENT_CREATOR("SelfParentByDifferentCreator", true),
        /** A Request that answers no Requesting addressed to its creator (rejected). */
        INVALID_REQUEST("InvalidRequest", true),
        /** A Response that answers no Request of its creator (rejected). */
        INVALID_RESPONSE("InvalidResponse", true),
        /** A sync event built on malice we accused, by a creator that did not accuse it. */
        ACCOMPLICE("Accomplice");

        final String label;
        /** The event was rejected: the malice carries its bytes instead of naming it. */
        final boolean rejectsEvent;

        Kind(String label) {
            this(label, false);
        }

        Kind(String label, boolean rejectsEvent) {
            this.label = label;
            this.rejectsEvent = rejectsEvent;
        }
    }

    Malice {
        events = List.copyOf(events);
        packedEvent = packedEvent.clone();
    }

    /** A malice naming events by hash. */
    static Malice of(Kind kind, byte[]... events) {
        return new Malice(kind, List.of(events), new byte[0], null);
    }

    /** A malice whose event was rejected. */
    static Malice rejected(Kind kind, byte[] packedEvent) {
        return new Malice(kind, List.of(), packedEvent, null);
    }

    static Malice accomplice(byte[] event, Malice inner) {
        return new Malice(Kind.ACCOMPLICE, List.of(event), new byte[0], inner);
    }

    /** @return the hashes of the accused events that are expected in the graph */
    List<byte[]> accusedEvents() {
        return events;
    }

    String name() {
        return kind.label;
    }

    /** @return 1, plus the depth of the malice an accomplice built on */
    int depth() {
        return inner == null ? 1 : 1 + inner.depth();
    }

    /** @return true if both describe the same misbehaviour */
    boolean same(Malice other) {
        if (kind != other.kind || events.size() != other.events.size()
                || !Arrays.equals(packedEvent, other.packedEvent)) {
            return false;
        }
        for (int i = 0; i < events.size(); i++) {
            if (!Arrays.equals(events.get(i), other.events.get(i))) {
                return false;
            }
        }
        return inner == null ? other.inner == null : other.inner != null && inner.same(other.inner);
    }
}
