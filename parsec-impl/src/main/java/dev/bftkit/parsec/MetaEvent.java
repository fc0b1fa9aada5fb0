package dev.bftkit.parsec;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The meta-election data of one voter's sync event: observer status, interesting content, meta-votes. */
final class MetaEvent {
    enum ObserverKind {
        /** Neither this event nor a self-ancestor is an observer. */
        NONE,
        /** A self-ancestor is an observer. */
        ANCESTOR,
        /** This event is the observer. */
        THIS
    }

    ObserverKind observer = ObserverKind.NONE;
    /**
     * The voters whose first interesting event this observer strongly sees, each with that event's graph index;
     * empty unless {@link ObserverKind#THIS}.
     */
    TreeMap<Integer, Integer> observees = new TreeMap<>();
    /** Keys this event found interesting, in order. */
    List<ObservationKey> interestingContent = new ArrayList<>();
    /** Subject voter → meta-votes. */
    MetaVotes metaVotes = new MetaVotes(0);

    boolean isObserver() {
        return observer == ObserverKind.THIS;
    }

    boolean hasAncestorObserver() {
        return observer == ObserverKind.ANCESTOR;
    }
}
