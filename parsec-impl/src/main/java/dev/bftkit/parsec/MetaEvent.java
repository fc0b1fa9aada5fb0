package dev.bftkit.parsec;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

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
    /** The peers whose first interesting event this observer strongly sees; empty unless {@link ObserverKind#THIS}. */
    TreeSet<Integer> observees = new TreeSet<>();
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
