package dev.bftkit.parsec;

import dev.bftkit.api.Fault;
import dev.bftkit.api.NodeId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Malice detection, always on in live Deciders (the reference's {@code malice-detection} feature): detects forks,
 * duplicate votes, wrong genesis, broken sync chains, parents by the wrong creator, false accusations and
 * accomplices, records each as a {@link Fault}, and turns it into an accusation vote placed just before our next
 * sync event. A decided accusation removes the offender like a Remove.
 *
 * <p>Recorded graphs were made without this feature, so golden replay runs the core without a detector.
 */
final class MaliceDetector {
    /** An accusation waiting to be voted. */
    record Pending(int offender, Malice malice) {
        boolean same(int otherOffender, Malice otherMalice) {
            return offender == otherOffender && malice.same(otherMalice);
        }
    }

    /** Accomplice accusations nest; we never make one deeper than this (the wire format allows twice as deep). */
    static final int MAX_DEPTH = 8;

    private final ParsecCore core;
    private final Consumer<Fault> faults;
    private final List<Pending> pending = new ArrayList<>();
    /** Requesting events with no Request answering them yet, and Requests with no Response yet. */
    private final Set<Integer> awaiting = new HashSet<>();

    MaliceDetector(ParsecCore core, Consumer<Fault> faults) {
        this.core = core;
        this.faults = faults;
    }

    /** Keeps the Requesting → Request → Response bookkeeping; called for every inserted event. */
    void inserted(Event e) {
        if (e.cause == Cause.REQUESTING) {
            awaiting.add(e.index);
        } else if (e.cause == Cause.REQUEST) {
            awaiting.add(e.index);
            awaiting.remove(e.otherParent);
        } else if (e.cause == Cause.RESPONSE) {
            Event request = selfSyncAncestor(core.graph.get(e.otherParent));
            if (request != null) {
                awaiting.remove(request.index);
            }
        }
    }

    private Event selfSyncAncestor(Event e) {
        return e.isSync() ? e : core.graph.selfSyncParent(e);
    }

    /** The reference's {@code Graph::is_valid_sync_event}; true for events that are not Request or Response. */
    boolean isValidSyncEvent(Event event) {
        if (event.cause == Cause.REQUEST) {
            if (event.otherParent < 0) {
                return false;
            }
            Event requesting = core.graph.get(event.otherParent);
            return requesting.cause == Cause.REQUESTING && requesting.recipient == event.creator
                    && awaiting.contains(requesting.index);
        }
        if (event.cause == Cause.RESPONSE) {
            if (event.otherParent < 0) {
                return false;
            }
            Event request = selfSyncAncestor(core.graph.get(event.otherParent));
            if (request == null || request.otherParent < 0) {
                return false;
            }
            Event requesting = core.graph.get(request.otherParent);
            return request.cause == Cause.REQUEST && requesting.creator == event.creator
                    && awaiting.contains(request.index);
        }
        return true;
    }

    /** The reference's {@code detect_malice}, run on another peer's event before it is inserted. */
    void detectMalice(Event event) {
        detectIncorrectGenesis(event);
        detectOtherParentBySameCreator(event);
        detectSelfParentByDifferentCreator(event);
        detectInvalidSyncEvent(event);
        detectUnexpectedGenesis(event);
        detectMissingGenesis(event);
        detectDuplicateVote(event);
        detectFork(event);
        detectInvalidAccusations(event);
    }

    private Observation payload(Event e) {
        if (e.payloadKey == null) {
            return null;
        }
        ParsecCore.ObservationInfo info = core.observations.get(e.payloadKey);
        return info == null ? null : info.observation;
    }

    private List<NodeId> genesisGroup() {
        for (Event e : core.graph.events()) {
            if (payload(e) instanceof Observation.Genesis g) {
                return g.group();
            }
        }
        List<NodeId> voters = new ArrayList<>();
        for (int i = 0; i < core.peers.size(); i++) {
            if (PeerState.contains(core.peers.state(i), PeerState.VOTE)) {
                voters.add(core.peers.get(i).id);
            }
        }
        return List.copyOf(new java.util.TreeSet<>(voters));
    }

    private static byte[] wireOf(Event e) {
        return e.wire == null ? e.hash.clone() : e.wire.clone();
    }

    private void detectIncorrectGenesis(Event event) {
        if (!(payload(event) instanceof Observation.Genesis g) || g.group().equals(genesisGroup())) {
            return;
        }
        reject(event, Malice.rejected(Malice.Kind.INCORRECT_GENESIS, wireOf(event)), "its Genesis differs from ours");
    }

    private void detectOtherParentBySameCreator(Event event) {
        if (event.otherParent < 0 || core.graph.get(event.otherParent).creator != event.creator) {
            return;
        }
        reject(event, Malice.rejected(Malice.Kind.OTHER_PARENT_BY_SAME_CREATOR, wireOf(event)), "its other-parent has the same creator");
    }

    private void detectSelfParentByDifferentCreator(Event event) {
        if (event.selfParent < 0 || core.graph.get(event.selfParent).creator == event.creator) {
            return;
        }
        reject(event, Malice.rejected(Malice.Kind.SELF_PARENT_BY_DIFFERENT_CREATOR, wireOf(event)),
                "its self-parent has another creator");
    }

    private void detectInvalidSyncEvent(Event event) {
        if (isValidSyncEvent(event)) {
            return;
        }
        Malice m = Malice.rejected(event.cause == Cause.REQUEST ? Malice.Kind.INVALID_REQUEST
                : Malice.Kind.INVALID_RESPONSE, wireOf(event));
        reject(event, m, "it breaks the Requesting -> Request -> Response pattern");
    }

    private void reject(Event event, Malice malice, String why) {
        accuse(event.creator, malice, why, List.of(wireOf(event)));
        throw new ParsecError(ParsecError.Kind.INVALID_EVENT,
                "event by " + core.peers.get(event.creator).name + " rejected: " + why);
    }

    private void detectUnexpectedGenesis(Event event) {
        if (!(payload(event) instanceof Observation.Genesis g)) {
            return;
        }
        boolean notMember = !g.group().contains(core.peers.get(event.creator).id);
        boolean notAfterInitial = event.selfParent < 0
                || core.graph.get(event.selfParent).cause != Cause.INITIAL;
        if (notMember || notAfterInitial) {
            accuse(event.creator, Malice.of(Malice.Kind.UNEXPECTED_GENESIS, event.hash.clone()),
                    notMember ? "Genesis by a non-member" : "Genesis not right after the Initial event",
                    List.of(wireOf(event)));
        }
    }

    private void detectMissingGenesis(Event event) {
        if (event.indexByCreator != 1 || payload(event) instanceof Observation.Genesis) {
            return;
        }
        if (genesisGroup().contains(core.peers.get(event.creator).id)) {
            accuse(event.creator, Malice.of(Malice.Kind.MISSING_GENESIS, event.hash.clone()),
                    "a genesis member's second event does not vote for Genesis", List.of(wireOf(event)));
        }
    }

    private void detectDuplicateVote(Event event) {
        if (event.payloadKey == null) {
            return;
        }
        List<Event> duplicates = new ArrayList<>();
        List<Integer> theirs = core.peers.get(event.creator).allEvents();
        for (int i = theirs.size() - 1; i >= 0 && duplicates.size() < 2; i--) {
            Event other = core.graph.get(theirs.get(i));
            if (event.payloadKey.equals(other.payloadKey)) {
                duplicates.add(other);
            }
        }
        if (duplicates.size() == 1) {
            Event first = duplicates.get(0);
            accuse(event.creator, Malice.of(Malice.Kind.DUPLICATE_VOTE, first.hash.clone(), event.hash.clone()),
                    "voted twice for one observation", List.of(wireOf(first), wireOf(event)));
        }
    }

    private void detectFork(Event event) {
        if (event.selfParent < 0) {
            return;
        }
        int sameParent = 0;
        Event sibling = null;
        for (int i : core.peers.get(event.creator).eventsAt(event.indexByCreator)) {
            Event other = core.graph.get(i);
            if (other.selfParent == event.selfParent) {
                sameParent++;
                sibling = other;
            }
        }
        if (sameParent == 1) {
            accuse(event.creator, Malice.of(Malice.Kind.FORK, core.graph.get(event.selfParent).hash.clone()),
                    "two events with the same self-parent", List.of(wireOf(sibling), wireOf(event)));
        }
    }

    private void detectInvalidAccusations(Event event) {
        if (!event.isSync()) {
            return;
        }
        List<Event> invalid = new ArrayList<>();
        int p = event.selfParent;
        while (p >= 0) {
            Event parent = core.graph.get(p);
            if (!(payload(parent) instanceof Observation.Accusation a)) {
                break;
            }
            if (provablyFalse(a.offender(), a.malice())) {
                invalid.add(parent);
            }
            p = parent.selfParent;
        }
        for (Event e : invalid) {
            accuse(event.creator, Malice.of(Malice.Kind.INVALID_ACCUSATION, e.hash.clone()), "accused an honest peer",
                    List.of(wireOf(e)));
        }
    }

    /**
     * Whether our own graph proves an accusation false. The reference calls every accusation we did not raise
     * ourselves invalid; but an honest accuser may have seen the other side of a fork before we did, or have
     * accused another fork point of the same offender, so bftkit only calls an accusation false when the events
     * it names are in our graph and show no such malice. A fork accusation is never provably false (the second
     * branch may yet reach us); a duplicate vote is false when both named events are ours to inspect and are not
     * two votes of the offender for one observation. Accusations of an offender we accused ourselves stand.
     */
    private boolean provablyFalse(NodeId offender, Malice malice) {
        if (!provable(malice) || offender.equals(core.ourId()) || weHaveAccused(offender)) {
            return false;
        }
        if (malice.kind() != Malice.Kind.DUPLICATE_VOTE) {
            return false;
        }
        List<Event> named = accusedEvents(malice);
        if (named.size() != 2 || named.size() != malice.accusedEvents().size()) {
            return false;
        }
        Event a = named.get(0);
        Event b = named.get(1);
        int offenderIndex = core.peers.indexOf(offender);
        boolean duplicate = a.index != b.index && a.creator == offenderIndex && b.creator == offenderIndex
                && a.payloadKey != null && a.payloadKey.equals(b.payloadKey);
        return !duplicate;
    }

    /**
     * Whether an accusation names events rather than carrying a rejected event's bytes. Accusations of a rejected
     * event are never judged: we may never have received that event.
     */
    static boolean provable(Malice malice) {
        return malice.packedEvent().length == 0;
    }

    /** Whether we accused the offender of anything (voted or still pending). */
    private boolean weHaveAccused(NodeId offender) {
        int offenderIndex = core.peers.indexOf(offender);
        if (offenderIndex < 0) {
            return false;
        }
        for (Pending p : pending) {
            if (p.offender() == offenderIndex) {
                return true;
            }
        }
        for (Pending p : accusationsBy(PeerList.OUR)) {
            if (p.offender() == offenderIndex) {
                return true;
            }
        }
        return false;
    }

    /** After an event was inserted: does its (sync) creator build on malice we accused without accusing it? */
    void detectAccomplice(int eventIndex) {
        Event event = core.graph.get(eventIndex);
        if (event.cause != Cause.REQUEST && event.cause != Cause.RESPONSE) {
            return;
        }
        int creator = event.creator;
        List<Pending> theirs = accusationsBy(creator);
        List<Pending> candidates = new ArrayList<>(pending);
        candidates.addAll(accusationsBy(PeerList.OUR));
        List<Pending> found = new ArrayList<>();
        for (Pending c : candidates) {
            if (c.offender() == creator || !provable(c.malice()) || accusedEvents(c.malice()).isEmpty()
                    || !accusedEventsAreAncestorsOf(c.malice(), event) || forkNotVisibleTo(c.malice(), event)) {
                continue;
            }
            boolean alreadyTheirs = false;
            for (Pending t : theirs) {
                // Accusers raise one accusation per offender and kind, and an honest creator may have seen
                // another fork point of the same offender first: any accusation of that offender counts.
                if (t.offender() == c.offender()) {
                    alreadyTheirs = true;
                    break;
                }
            }
            boolean alreadyAccused = false;
            for (Pending p : pending) {
                if (p.offender() == creator && p.malice().kind() == Malice.Kind.ACCOMPLICE
                        && p.malice().inner().same(c.malice())) {
                    alreadyAccused = true;
                    break;
                }
            }
            if (!alreadyTheirs && !alreadyAccused) {
                found.add(c);
            }
        }
        for (Pending c : found) {
            accuse(creator, Malice.accomplice(event.hash.clone(), c.malice()),
                    "built on malice by " + core.peers.get(c.offender()).name + " without accusing it",
                    List.of(wireOf(event)));
        }
    }

    private List<Pending> accusationsBy(int peer) {
        List<Pending> out = new ArrayList<>();
        for (int i : core.peers.get(peer).allEvents()) {
            if (payload(core.graph.get(i)) instanceof Observation.Accusation a) {
                int offender = core.peers.indexOf(a.offender());
                if (offender >= 0) {
                    out.add(new Pending(offender, a.malice()));
                }
            }
        }
        return out;
    }

    private List<Event> accusedEvents(Malice malice) {
        List<Event> out = new ArrayList<>();
        for (byte[] h : malice.accusedEvents()) {
            int i = core.graph.indexOf(h);
            if (i >= 0) {
                out.add(core.graph.get(i));
            }
        }
        return out;
    }

    private boolean accusedEventsAreAncestorsOf(Malice malice, Event event) {
        for (Event accused : accusedEvents(malice)) {
            if (!event.isDescendantOf(accused)) {
                return false;
            }
        }
        return true;
    }

    private boolean forkNotVisibleTo(Malice malice, Event event) {
        if (malice.kind() != Malice.Kind.FORK) {
            return false;
        }
        int i = core.graph.indexOf(malice.events().get(0));
        if (i < 0) {
            return true;
        }
        Event parent = core.graph.get(i);
        int branches = 0;
        for (int child : core.peers.get(parent.creator).eventsAt(parent.indexByCreator + 1)) {
            Event c = core.graph.get(child);
            if (c.selfParent == parent.index && event.isDescendantOf(c)) {
                branches++;
            }
        }
        return branches < 2;
    }

    /** After a restore: drop re-detected accusations that our stored events already voted for. */
    void forgetVotedAccusations() {
        List<Pending> ours = accusationsBy(PeerList.OUR);
        pending.removeIf(p -> ours.stream().anyMatch(o -> o.same(p.offender(), p.malice())));
    }

    /** We vote for accusations only while we hold DKG (the reference's premature-gossip check). */
    void detectPrematureGossip() {
        if (!PeerState.contains(core.peers.ourState(), PeerState.DKG)) {
            throw new ParsecError(ParsecError.Kind.PREMATURE_GOSSIP, "gossip before we are a member");
        }
    }

    /** Queues the pending accusations to be voted just before our next sync event. */
    void createAccusationEvents(int otherParent) {
        List<Pending> now = new ArrayList<>(pending);
        pending.clear();
        for (Pending p : now) {
            core.processOrQueuePendingEvent(new ParsecCore.PendingEvent(false, otherParent, p.offender(),
                    p.malice()));
        }
    }

    /**
     * Votes the accusation now, before the sync event that follows. The reference waits until the accused events
     * are ancestors of that sync event, so that whoever judges the accusation holds them; but a fork whose
     * branches arrived in a message we rejected midway may never become an ancestor, and an honest node whose
     * accusation waits would then look like an accomplice of the forker. bftkit votes at once and judges others'
     * accusations only on what its own graph proves ({@link #detectInvalidAccusations}).
     */
    void addAccusationEvent(int offender, Malice malice) {
        core.addOwnObservationEvent(new Observation.Accusation(core.peers.get(offender).id, malice));
    }

    /**
     * Records and queues an accusation, at most one per offender and kind (one decided accusation removes the
     * offender; more would only let two misbehaving peers accuse each other without end).
     */
    private void accuse(int offender, Malice malice, String why, List<byte[]> evidence) {
        if (depth(malice) > MAX_DEPTH) {
            return;
        }
        for (Pending p : pending) {
            if (p.offender() == offender && p.malice().kind() == malice.kind()) {
                return;
            }
        }
        for (Pending p : accusationsBy(PeerList.OUR)) {
            if (p.offender() == offender && p.malice().kind() == malice.kind()) {
                return;
            }
        }
        pending.add(new Pending(offender, malice));
        faults.accept(new Fault(core.peers.get(offender).id, faultKind(malice), malice.name() + ": " + why,
                evidence));
    }

    static int depth(Malice malice) {
        return malice.inner() == null ? 1 : 1 + depth(malice.inner());
    }

    static Fault.Kind faultKind(Malice malice) {
        switch (malice.kind()) {
            case FORK:
                return Fault.Kind.EQUIVOCATION;
            case DUPLICATE_VOTE:
                return Fault.Kind.DUPLICATE_VOTE;
            case ACCOMPLICE:
                return Fault.Kind.ACCOMPLICE;
            case INVALID_ACCUSATION:
            case UNEXPECTED_GENESIS:
            case MISSING_GENESIS:
            case INCORRECT_GENESIS:
                return Fault.Kind.INVALID_VOTE;
            default:
                return Fault.Kind.MALFORMED;
        }
    }
}
