package dev.bftkit.api;

import java.util.Objects;

/**
 * A change to who takes part in an instance that the instance itself decided: a member added, a member removed, or a
 * member excluded as an offender (its misbehaviour was proven and agreed on). A Decider hands these out in its steps
 * ({@link dev.bftkit.api.spi.Step#memberChanges()}), in the order it decided them; the runtime passes them to
 * {@code NodeListener.onMemberChange}. A restarted Decider may hand them out again, as it does its decisions.
 *
 * @param instance the consensus instance
 * @param member the member concerned
 * @param kind what happened to it
 */
public record MemberChange(InstanceId instance, NodeId member, Kind kind) {
    /** What happened to a member. */
    public enum Kind {
        /** It joined: it decides from now on. */
        ADDED,
        /** It was voted out. */
        REMOVED,
        /** It was excluded for proven misbehaviour. */
        EXCLUDED
    }

    /**
     * Validates.
     *
     * @param instance the instance; not null
     * @param member the member; not null
     * @param kind what happened; not null
     * @throws NullPointerException if an argument is null
     */
    public MemberChange {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(kind, "kind");
    }
}
